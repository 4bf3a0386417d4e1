"""The MiniMax dialect end to end, with plain HTTP calls shaped like the reference's examples.

Real API + worker processes, the real engine; every audio returned is decoded and its format,
sample rate, channels and duration checked.
"""

import io
import json
import tarfile
import time

import av
import httpx
import numpy as np
import pytest

from soundclone.media.watermark import detect
from tests.conftest import REFERENCE_WAV, SPEECH_DIR
from soundclone.settings import parse_watermark_keys
from tests.integration.harness import WATERMARK_KEYS

pytestmark = pytest.mark.slow
VOICE = "TestVoice01"
PROMPT_CLIP = SPEECH_DIR / "librivox" / "sense_and_sensibility_01_austen_64kb-0890.wav"  # 5.3 s
PROMPT_TEXT = "Unless to be rather cold hearted and rather selfish is to be ill disposed."


@pytest.fixture(scope="module")
def service(shared_service):
    return shared_service


@pytest.fixture(scope="module")
def client(service):
    _, key = service.new_key(10**12)
    with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as client:
        yield client


@pytest.fixture(scope="module")
def stranger(service):
    _, key = service.new_key(10**12)
    with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as client:
        yield client


def ok(response: httpx.Response) -> dict:
    body = response.json()
    assert response.status_code == 200 and body["base_resp"]["status_code"] == 0, body
    return body


def upload(client, purpose: str, path) -> int:
    with open(path, "rb") as handle:
        body = ok(client.post("/v1/files/upload", data={"purpose": purpose}, files={"file": (path.name, handle)}))
    return body["file"]["file_id"]


def probe(data: bytes) -> dict:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        frames = list(container.decode(stream))
        samples = sum(f.samples for f in frames)
        return {"format": container.format.name, "rate": stream.rate, "channels": stream.channels,
                "duration_ms": samples / stream.rate * 1000,
                "mono": np.concatenate([_first_channel(f, stream.channels) for f in frames])}


def _first_channel(frame, channels: int) -> np.ndarray:
    data = frame.to_ndarray()
    return data[0] if frame.format.is_planar else data.reshape(-1, channels)[:, 0]


@pytest.fixture(scope="module")
def cloned(client):
    file_id = upload(client, "voice_clone", REFERENCE_WAV)
    prompt_id = upload(client, "prompt_audio", PROMPT_CLIP)
    body = ok(client.post("/v1/voice_clone", json={
        "file_id": file_id, "voice_id": VOICE,
        "clone_prompt": {"prompt_audio": prompt_id, "prompt_text": PROMPT_TEXT},
        "text": "A gentle breeze sweeps across the soft grass(breath), carrying the fresh scent along with the songs of birds.",
        "model": "speech-2.8-hd", "need_noise_reduction": True, "need_volume_normalization": True,
        "aigc_watermark": True,
    }))
    return body


def test_voice_clone_returns_a_watermarked_demo(client, cloned):
    assert cloned["input_sensitive"] is False and cloned["demo_audio"].startswith("http")
    demo = httpx.get(cloned["demo_audio"], timeout=30).content
    audio = probe(demo)
    assert audio["format"] == "mp3" and abs(audio["duration_ms"] - cloned["extra_info"]["audio_length"]) < 120
    assert cloned["extra_info"]["usage_characters"] > 90 and cloned["extra_info"]["word_count"] > 70
    assert detect(audio["mono"].astype(np.float32), audio["rate"], parse_watermark_keys(WATERMARK_KEYS)).marked
    # the owner asks the service: the task it names is the clone, as the account's task list shows it
    found = client.post("/v1/watermark/detect", files={"file": ("demo.mp3", demo, "audio/mpeg")})
    assert found.status_code == 200 and found.json()["marked"], found.text
    listed = client.get("/api/v1/tasks").json()["data"]
    named = [task for task in listed if task["id"] == found.json()["task_id"]]
    assert len(named) == 1 and named[0]["kind"] == "minimaxVoiceClone"


@pytest.mark.parametrize("audio_setting, expected", [
    ({"sample_rate": 32000, "bitrate": 128000, "format": "mp3", "channel": 1}, ("mp3", 32000, 1)),
    ({"sample_rate": 16000, "format": "wav", "channel": 2}, ("wav", 16000, 2)),
    ({"sample_rate": 44100, "format": "flac", "channel": 1}, ("flac", 44100, 1)),
])
def test_t2a_hex_in_each_format(client, cloned, audio_setting, expected):
    body = ok(client.post("/v1/t2a_v2", json={
        "model": "speech-2.6-hd", "text": "Good morning. The weather is fine today.", "stream": False,
        "voice_setting": {"voice_id": VOICE, "speed": 1, "vol": 1, "pitch": 0, "emotion": "happy"},
        "audio_setting": audio_setting, "subtitle_enable": False,
    }))
    assert body["data"]["status"] == 2 and body["trace_id"]
    data = bytes.fromhex(body["data"]["audio"])
    audio = probe(data)
    assert (audio["format"], audio["rate"], audio["channels"]) == expected
    info = body["extra_info"]
    assert abs(audio["duration_ms"] - info["audio_length"]) < 120 and info["audio_size"] == len(data)
    assert info["audio_sample_rate"] == expected[1] and info["audio_channel"] == expected[2]
    assert info["usage_characters"] == len("Good morning. The weather is fine today.")


def test_t2a_pcm_url_and_word_subtitles(client, cloned):
    text = "First sentence here.<#0.8#>And the second one.\nA new paragraph ends it."
    body = ok(client.post("/v1/t2a_v2", json={
        "model": "speech-02-turbo", "text": text, "voice_setting": {"voice_id": VOICE},
        "audio_setting": {"sample_rate": 8000, "format": "pcm", "channel": 1}, "output_format": "url",
        "subtitle_enable": True, "subtitle_type": "word",
    }))
    pcm = httpx.get(body["data"]["audio"], timeout=30).content
    duration_ms = len(pcm) / 2 / 8000 * 1000
    assert abs(duration_ms - body["extra_info"]["audio_length"]) < 60
    segments = httpx.get(body["data"]["subtitle_file"], timeout=30).json()
    assert [s["text"] for s in segments][0].startswith("First") and len(segments) == 3
    assert segments[1]["time_begin"] - segments[0]["time_end"] >= 750  # the 0.8 s pause
    assert all(s["time_end"] <= duration_ms + 50 for s in segments)
    words = segments[0]["timestamped_words"]
    assert [w["word"].strip(".") for w in words] == ["First", "sentence", "here"]
    assert text[segments[1]["text_begin"]:segments[1]["text_end"]] == segments[1]["text"]


def test_pronunciation_rule_changes_what_is_spoken(client, cloned):
    def spoken(rules):
        body = ok(client.post("/v1/t2a_v2", json={
            "model": "speech-02-hd", "text": "Read the omg aloud.", "voice_setting": {"voice_id": "jm_kumo"},
            "pronunciation_dict": {"tone": rules}, "audio_setting": {"format": "wav", "sample_rate": 24000}}))
        return probe(bytes.fromhex(body["data"]["audio"]))["duration_ms"]

    assert spoken(["omg/oh my goodness gracious me"]) > spoken([]) + 400


def test_streaming_sends_chunks_before_the_end(client, cloned):
    text = " ".join(f"This is sentence number {n}, spoken in the cloned voice." for n in range(1, 5))
    started = time.monotonic()
    events, first_at = [], None
    with client.stream("POST", "/v1/t2a_v2", json={
        "model": "speech-2.8-turbo", "text": text, "stream": True, "voice_setting": {"voice_id": VOICE},
        "audio_setting": {"sample_rate": 24000, "format": "mp3", "channel": 1},
    }) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if first_at is None and events[-1]["data"]["audio"]:
                    first_at = time.monotonic() - started
    total = time.monotonic() - started
    chunks, final = events[:-1], events[-1]
    assert len(chunks) >= 4 and all(e["data"]["status"] == 1 for e in chunks)
    assert final["data"]["status"] == 2 and final["extra_info"]["audio_format"] == "mp3"
    assert first_at < total * 0.6, f"first audio at {first_at:.1f} s of {total:.1f} s"
    streamed = probe(b"".join(bytes.fromhex(e["data"]["audio"]) for e in chunks))
    assert abs(streamed["duration_ms"] - final["extra_info"]["audio_length"]) < 400


def test_voice_modify_is_audible(client, cloned):
    def render(modify):
        body = ok(client.post("/v1/t2a_v2", json={
            "model": "speech-02-hd", "text": "Testing the effects.", "voice_setting": {"voice_id": "jm_kumo"},
            "audio_setting": {"format": "wav", "sample_rate": 24000}, "voice_modify": modify}))
        return probe(bytes.fromhex(body["data"]["audio"]))["mono"].astype(np.float64)

    plain = render({})
    telephone = render({"sound_effects": "lofi_telephone"})
    spectrum = lambda x: np.abs(np.fft.rfft(x))  # noqa: E731
    low_share = lambda x: spectrum(x)[: len(spectrum(x)) * 250 // 12000].sum() / spectrum(x).sum()  # noqa: E731
    assert low_share(telephone) < low_share(plain) * 0.6


def test_async_long_text_from_a_file(client, cloned, tmp_path):
    text_file = tmp_path / "book.txt"
    text_file.write_text("Chapter one. It was a bright cold day.<#0.5#>The clocks were striking thirteen.")
    file_id = upload(client, "t2a_async_input", text_file)
    created = ok(client.post("/v1/t2a_async_v2", json={
        "model": "speech-2.6-hd", "text_file_id": file_id, "voice_setting": {"voice_id": VOICE, "speed": 1.1},
        "audio_setting": {"audio_sample_rate": 32000, "bitrate": 128000, "format": "mp3", "channel": 2},
    }))
    assert isinstance(created["task_id"], int) and isinstance(created["file_id"], int)
    deadline = time.monotonic() + 240
    while True:
        state = ok(client.get("/v1/query/t2a_async_query_v2", params={"task_id": created["task_id"]}))
        if state["status"] != "Processing" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert state["status"] == "Success" and state["file_id"] == created["file_id"]
    retrieved = ok(client.get("/v1/files/retrieve", params={"file_id": created["file_id"]}))
    assert retrieved["file"]["purpose"] == "t2a_async" and retrieved["file"]["download_url"].startswith("http")
    archive = client.get("/v1/files/retrieve_content", params={"file_id": created["file_id"]}).content
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = {m.name.rsplit(".", 1)[-1]: tar.extractfile(m).read() for m in tar.getmembers()}
    audio = probe(members["mp3"])
    assert (audio["rate"], audio["channels"]) == (32000, 2)
    titles = json.loads(members["titles"])
    extra = json.loads(members["extra"])
    assert len(titles) == 3 and abs(extra["audio_length"] - audio["duration_ms"]) < 120
    assert client.get("/v1/files/retrieve", params={"file_id": created["file_id"]}).json()["base_resp"]["status_code"] == 0


def test_voices_cross_dialects_and_accounts(client, stranger, cloned):
    listed = ok(client.post("/v1/get_voice", json={"voice_type": "voice_cloning"}))
    assert [v["voice_id"] for v in listed["voice_cloning"]] == [VOICE]
    soundclone_task = client.post("/api/open-api/v1/soundCloning/audios",
                                  json={"modelId": VOICE, "contentText": "Both dialects share the voice."}).json()
    assert soundclone_task["code"] == 20000
    other = stranger.post("/v1/t2a_v2", json={"model": "speech-02-hd", "text": "hi", "voice_setting": {"voice_id": VOICE}})
    assert other.json()["base_resp"]["status_code"] == 20132
    ok(client.post("/v1/delete_voice", json={"voice_type": "voice_cloning", "voice_id": VOICE}))
    gone = client.post("/v1/t2a_v2", json={"model": "speech-02-hd", "text": "hi", "voice_setting": {"voice_id": VOICE}})
    assert gone.json()["base_resp"]["status_code"] == 20132
    again = client.post("/v1/voice_clone", json={"file_id": 1, "voice_id": VOICE})
    assert again.json()["base_resp"]["status_code"] in (2013, 2039)


def test_prompt_text_that_cannot_match_its_audio_is_1044(client):
    file_id = upload(client, "voice_clone", REFERENCE_WAV)
    prompt_id = upload(client, "prompt_audio", PROMPT_CLIP)
    body = client.post("/v1/voice_clone", json={
        "file_id": file_id, "voice_id": "Mismatch01",
        "clone_prompt": {"prompt_audio": prompt_id, "prompt_text": "word " * 60 + "end."},
    }).json()
    assert body["base_resp"]["status_code"] == 1044 and "prompt_text" in body["base_resp"]["status_msg"]
