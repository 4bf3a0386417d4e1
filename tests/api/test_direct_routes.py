"""MiniMax's async submit and query, answered directly (api/direct.py), answer what the FastAPI routes answer."""

import pytest
from fastapi.testclient import TestClient

from soundclone.api.app import create_app
from soundclone.api.deps import get_caller
from soundclone.domain.errors import ErrorKind, ServiceError
from tests.conftest import make_customer

SUBMIT, QUERY = "/v1/t2a_async_v2", "/v1/query/t2a_async_query_v2"
BODY = {"model": "speech-02-hd", "text": "Hello there.", "voice_setting": {"voice_id": "af_heart"}}
RANDOM = ("task_id", "task_token", "file_id")   # fresh on every submit


@pytest.fixture
def both(settings, clock, queue):
    """The same service twice: with the direct routes, and with every request left to FastAPI."""
    with TestClient(create_app(settings, clock=clock, queue=queue)) as direct, \
            TestClient(create_app(settings, clock=clock, queue=queue, direct=False)) as plain:
        yield direct, plain


def comparable(response) -> tuple:
    body = response.json()
    return response.status_code, response.headers["content-type"], {k: v for k, v in body.items() if k not in RANDOM}


SUBMITS = [
    pytest.param({"json": BODY}, id="valid"),
    pytest.param({"json": {**BODY, "voice_setting": {"voice_id": "no-such-voice"}}}, id="unknown-voice"),
    pytest.param({"json": {**BODY, "text_file_id": 5}}, id="text-and-file"),
    pytest.param({"json": {"model": "speech-02-hd"}}, id="no-text"),
    pytest.param({"json": {**BODY, "voice_setting": {"voice_id": "af_heart", "speed": 9}}}, id="speed-out-of-range"),
    pytest.param({"content": b"{not json", "headers": {"content-type": "application/json"}}, id="not-json"),
    pytest.param({"content": b'{"model": "speech-02-hd", "text": "hi"}', "headers": {"content-type": "text/plain"}},
                 id="text-plain"),
    pytest.param({"json": [1, 2]}, id="a-list"),
]


@pytest.mark.parametrize("request_args", SUBMITS)
def test_a_submit_is_answered_as_fastapi_answers_it(both, sessions, clock, request_args):
    direct, plain = both
    answers = []
    for client in (direct, plain):
        customer = make_customer(sessions, balance=10_000_000, now=clock())
        headers = {**customer.headers, **request_args.get("headers", {})}
        answers.append(comparable(client.post(SUBMIT, **{**request_args, "headers": headers})))
    assert answers[0] == answers[1]


def test_a_submit_without_a_key_or_with_a_bad_one_is_refused_alike(both, sessions):
    direct, plain = both
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        assert comparable(direct.post(SUBMIT, json=BODY, headers=headers)) == \
            comparable(plain.post(SUBMIT, json=BODY, headers=headers))


@pytest.mark.parametrize("query", ["task_id={own}", "task_id=123456", "task_id={other}", "task_id=abc", "task_id=-1",
                                   "task_id=99999999999999999999", "", "task_id={own}&task_id={own}", "task_id="])
def test_a_query_is_answered_as_fastapi_answers_it(both, sessions, clock, query):
    direct, plain = both
    customer = make_customer(sessions, balance=10_000_000, now=clock())
    stranger = make_customer(sessions, balance=10_000_000, now=clock())
    own = direct.post(SUBMIT, json=BODY, headers=customer.headers).json()["task_id"]
    other = direct.post(SUBMIT, json=BODY, headers=stranger.headers).json()["task_id"]
    url = f"{QUERY}?{query.format(own=own, other=other)}"
    answers = [direct.get(url, headers=customer.headers), plain.get(url, headers=customer.headers)]
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].json() == answers[1].json()


def test_the_direct_routes_do_not_go_through_fastapi(settings, clock, queue, sessions):
    """FastAPI's dependency is replaced by one that refuses everyone: a plain valid request is still answered (it
    never reached FastAPI), and one that defers meets the refusal."""
    app = create_app(settings, clock=clock, queue=queue)

    def refuse() -> None:
        raise ServiceError(ErrorKind.UNAUTHORIZED, "reached FastAPI")

    app.dependency_overrides[get_caller] = refuse
    customer = make_customer(sessions, balance=10_000_000, now=clock())
    with TestClient(app) as client:
        submitted = client.post(SUBMIT, json=BODY, headers=customer.headers).json()
        assert submitted["base_resp"]["status_code"] == 0
        polled = client.get(QUERY, params={"task_id": submitted["task_id"]}, headers=customer.headers).json()
        assert polled["status"] == "Processing"
        deferred = client.post(SUBMIT, content=b'{"text": "hi"}', headers={**customer.headers,
                                                                         "content-type": "text/plain"}).json()
        assert "reached FastAPI" in deferred["base_resp"]["status_msg"]


def test_a_direct_request_is_logged_and_measured_under_its_route(client, customer):
    client.post(SUBMIT, json=BODY, headers=customer.headers)
    metrics = client.get("/metrics").text
    assert 'soundclone_http_request_seconds_count{method="POST",route="/v1/t2a_async_v2",status="200"} 1.0' in metrics


def test_a_direct_request_over_the_body_limit_is_refused(settings, clock, queue, customer):
    small = settings.model_copy(update={"max_body_bytes": 100})
    with TestClient(create_app(small, clock=clock, queue=queue)) as client:
        answer = client.post(SUBMIT, json={**BODY, "text": "a" * 500}, headers=customer.headers)
    assert answer.status_code == 200   # MiniMax answers errors with HTTP 200 and a status code in base_resp
    assert "larger than 100 bytes" in answer.json()["base_resp"]["status_msg"]
