from datetime import timedelta

from soundclone.api.soundclone import PREFIXES
from soundclone.store import tasks
from soundclone.store.db import transaction


def completed_task(client, sessions, customer, settings, clock):
    task_id = client.post(f"{PREFIXES[0]}/soundCloning/clones", json={"fileUrl": "https://e.com/a.mp3"},
                          headers=customer.headers).json()["data"]["id"]
    key = f"tasks/{task_id}/preview.mp3"
    (settings.blob_dir / "tasks" / task_id).mkdir(parents=True)
    (settings.blob_dir / key).write_bytes(b"ID3 fake mp3 bytes")
    with transaction(sessions) as session:
        claim = tasks.claim(session, task_id=task_id, now=clock(), lease=timedelta(seconds=9))
        tasks.complete(session, claim=claim, result={"modelId": "model_" + "c" * 32, "audioKey": key}, now=clock())
    return client.get(f"{PREFIXES[0]}/audios/{task_id}", headers=customer.headers).json()["data"]


def test_completed_task_links_are_signed_absolute_and_expire(client, sessions, customer, settings, clock):
    data = completed_task(client, sessions, customer, settings, clock)
    assert data["status"] == "completed" and data["modelId"].startswith("model_")
    url = data["audioUrl"]
    assert url.startswith(settings.resolved_public_base_url + "/files/")
    path = url[len(settings.resolved_public_base_url):]
    assert client.get(path).content == b"ID3 fake mp3 bytes"
    assert client.get(path.replace("signature=", "signature=0")).status_code == 403
    assert client.get(path.replace("preview.mp3", "audio.mp3")).status_code == 403
    clock.advance(seconds=settings.file_url_ttl_s + 1)
    assert client.get(path).status_code == 403


def test_non_ascii_signature_is_refused_not_a_crash(client):
    response = client.get("/files/tasks/x/preview.mp3", params={"expires": 99999999999, "signature": "é" * 64})
    assert response.status_code == 403
