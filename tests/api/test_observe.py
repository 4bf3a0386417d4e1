"""What operators see: liveness, readiness (database, queue, storage, a recent worker), Prometheus metrics,
and a request id that follows a request into its task."""

from soundclone.api.soundclone import PREFIXES
from soundclone.store import workers
from soundclone.store.db import transaction
from soundclone.store.models import Task


def test_ready_only_once_a_worker_has_been_seen(client, sessions, clock):
    assert client.get("/healthz").json() == {"status": "ok"}
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and not_ready.json()["checks"] == {
        "database": "ok", "queue": "ok", "storage": "ok", "worker": "failed: LookupError"}
    with transaction(sessions) as session:
        workers.heartbeat(session, worker_id="w1", host="h", pid=1, version="0", now=clock())
    assert client.get("/readyz").status_code == 200


def test_metrics_count_requests_by_route_and_tasks_by_kind(client, customer):
    task = client.post(f"{PREFIXES[0]}/soundCloning/clones", json={"fileUrl": "https://e.com/a.mp3"},
                       headers=customer.headers).json()["data"]
    client.get(f"{PREFIXES[0]}/audios/{task['id']}", headers=customer.headers)
    text = client.get("/metrics").text
    assert 'soundclone_http_request_seconds_count{method="GET",route="/api/open-api/v1/audios/{task_id}",status="200"} 1.0' in text
    assert 'soundclone_tasks{kind="soundCloningClone",status="queued"} 1.0' in text
    assert 'soundclone_queue_depth{queue="main"}' in text


def test_a_request_id_is_answered_and_kept_with_the_task(client, sessions, customer):
    response = client.post(f"{PREFIXES[0]}/soundCloning/clones", json={"fileUrl": "https://e.com/a.mp3"},
                           headers={**customer.headers, "x-request-id": "trace-42"})
    assert response.headers["x-request-id"] == "trace-42"
    with transaction(sessions) as session:
        assert session.get(Task, response.json()["data"]["id"]).request_id == "trace-42"
    generated = client.get("/healthz", headers={"x-request-id": "not sane!"}).headers["x-request-id"]
    assert len(generated) == 32 and generated != "not sane!"
