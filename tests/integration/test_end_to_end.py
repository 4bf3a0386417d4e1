"""The whole path with real processes: API + worker + SQLite + SqliteHuey + the Kokoro engine."""

import io

import av
import httpx
import numpy as np
import pytest
import srt

from soundclone.api.soundclone.translate import DEFAULT_PREVIEW_TEXT
from tests.integration.harness import poll

pytestmark = pytest.mark.slow
PREFIX = "/api/open-api/v1"
ALT_PREFIX = "/kyyReactApiServer/v1"
BALANCE = 50_000_000


@pytest.fixture(scope="module")
def service(shared_service):
    return shared_service


@pytest.fixture(scope="module")
def account(service):
    return service.new_key(BALANCE)


@pytest.fixture(scope="module")
def key(account):
    return account[1]


@pytest.fixture
def client(service, key):
    with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def cloned(service, key, file_server):
    with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        created = client.post(f"{PREFIX}/soundCloning/clones", json={"fileUrl": file_server.url("reference.mp3")}).json()
        assert created["code"] == 20000 and created["data"]["status"] == "queued"
        return poll(client, f"{PREFIX}/audios/{created['data']['id']}", until={"completed", "failed"})


def decode(data: bytes) -> tuple[np.ndarray, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        assert container.format.name == "mp3"
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
        return samples, stream.rate


def download(url: str) -> bytes:
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200
    return response.content


def test_clone_completes_with_a_voice_and_a_preview(cloned):
    assert cloned["status"] == "completed", cloned["error"]
    assert cloned["modelId"].startswith("model_") and cloned["error"] is None
    samples, rate = decode(download(cloned["audioUrl"]))
    duration = len(samples) / rate
    assert 4 < duration < 30, f"preview of {len(DEFAULT_PREVIEW_TEXT)} Chinese characters lasted {duration:.1f} s"
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 0.01


def test_audio_with_pause_and_subtitles(client, cloned):
    text = "The quick brown fox jumps over the lazy dog.<#1.5#>Then it runs away into the forest."
    created = client.post(f"{ALT_PREFIX}/soundCloning/audios", json={
        "modelId": cloned["modelId"], "contentText": text, "language": "English", "subtitleEnable": True,
    }).json()
    assert created["code"] == 20000, created
    done = poll(client, f"{PREFIX}/audios/{created['data']['id']}", until={"completed", "failed"})
    assert done["status"] == "completed", done["error"]
    samples, rate = decode(download(done["audioUrl"]))
    duration = len(samples) / rate
    assert 4 < duration < 14
    cues = list(srt.parse(download(done["subtitleFile"]).decode()))
    assert len(cues) == 2 and "fox" in cues[0].content and "forest" in cues[1].content
    gap = (cues[1].start - cues[0].end).total_seconds()
    assert gap >= 1.45, f"the 1.5 s pause left a {gap:.2f} s gap between sentences"
    assert cues[-1].end.total_seconds() <= duration + 0.1
    quiet = _longest_silence(samples, rate)
    assert quiet >= 1.4, f"longest silence {quiet:.2f} s; the <#1.5#> pause should be audible"


def test_word_subtitles_and_controls(client, cloned):
    created = client.post(f"{PREFIX}/soundCloning/audios", json={
        "modelId": cloned["modelId"], "contentText": "One two three four five.", "language": "English",
        "speed": 1.5, "vol": 2, "pitch": 3, "emotion": "happy", "subtitleEnable": True, "subtitleType": "word",
    }).json()
    done = poll(client, f"{PREFIX}/audios/{created['data']['id']}", until={"completed", "failed"})
    assert done["status"] == "completed", done["error"]
    cues = list(srt.parse(download(done["subtitleFile"]).decode()))
    assert [c.content.strip(".").lower() for c in cues] == ["one", "two", "three", "four", "five"]
    assert all(a.start <= b.start for a, b in zip(cues, cues[1:]))


def test_short_recording_fails_with_a_clear_error_and_is_refunded(service, account, client, file_server):
    balance_before = service.balance(account[0])
    created = client.post(f"{PREFIX}/soundCloning/clones", json={"fileUrl": file_server.url("short.wav")}).json()
    failed = poll(client, f"{PREFIX}/audios/{created['data']['id']}", until={"completed", "failed"})
    assert failed["status"] == "failed"
    assert "speech in the recording lasts" in failed["error"] and "15 s" in failed["error"]
    assert failed.get("audioUrl") is None and failed.get("modelId") is None
    assert service.balance(account[0]) == balance_before


def test_unreachable_url_fails_and_is_refunded(service, account, client, file_server):
    balance_before = service.balance(account[0])
    created = client.post(f"{PREFIX}/soundCloning/clones", json={"fileUrl": file_server.url("missing.wav")}).json()
    failed = poll(client, f"{PREFIX}/audios/{created['data']['id']}", until={"completed", "failed"})
    assert failed["status"] == "failed" and "404" in failed["error"]
    assert service.balance(account[0]) == balance_before


def test_api_restart_keeps_every_task(service, client, cloned):
    created = client.post(f"{PREFIX}/soundCloning/clones", json={"fileUrl": "https://example.invalid/x.mp3"}).json()
    before = {task_id: client.get(f"{PREFIX}/audios/{task_id}").json()["data"]["status"]
              for task_id in (cloned["id"], created["data"]["id"])}
    service.stop_api()
    service.start_api()
    after = {task_id: client.get(f"{PREFIX}/audios/{task_id}").json()["data"]["status"] for task_id in before}
    assert after[cloned["id"]] == "completed"
    assert before[created["data"]["id"]] in {"queued", "processing", "failed"} and after[created["data"]["id"]] in {"queued", "processing", "failed"}


def _longest_silence(samples: np.ndarray, rate: int, threshold: float = 0.01) -> float:
    frame = rate // 100
    energy = np.sqrt(np.mean(samples[: len(samples) // frame * frame].reshape(-1, frame).astype(np.float64) ** 2, axis=1))
    longest = current = 0
    for quiet in energy < threshold:
        current = current + 1 if quiet else 0
        longest = max(longest, current)
    return longest * frame / rate


def test_logs_hold_no_keys_or_link_secrets(service, key, client, cloned):
    client.get(f"{PREFIX}/audios/{cloned['id']}")
    download(client.get(f"{PREFIX}/audios/{cloned['id']}").json()["data"]["audioUrl"])
    httpx.get(f"{service.base_url}{PREFIX}/audios/{cloned['id']}", headers={"Authorization": "Bearer sk_wrong_key_123"})
    logs = "".join(service.log(name) for name in ("api.log", "worker0.log"))
    assert "soundclone.access" in logs and f"/audios/{cloned['id']}" in logs  # the access log is on
    for secret in (key, "sk_wrong_key_123", service.env["SOUNDCLONE_SECRET_KEY"], "signature=", "Bearer"):
        assert secret not in logs, f"{secret[:12]}... appears in the logs"
