"""Latency through the real service (API + one worker on this machine), per dialect and voice kind.

    .venv/bin/python bench/service.py [--repeat 10] [--no-clone] [--clones 3]

For the streaming paths (MiniMax `t2a_v2` with `stream: true`, OpenAI `/v1/audio/speech`) it times the first audio
and the last byte for a two-sentence text; for the synchronous path (MiniMax `t2a_v2`) the whole answer for a
short one-sentence text; for the SoundClone task API, submit to completed. Each with a system voice and a cloned
voice (cloned once at the start from the LibriVox fixture, through MiniMax `voice_clone`). Median and p90 of
`--repeat` runs, after one warm-up run of each.

Then the time from a clone request to a voice that can speak, through each dialect (`--clones` of each): SoundClone
(`fileUrl` served on loopback; submit to completed, which includes its spoken preview), MiniMax (`voice_clone` of
an uploaded file) and OpenAI (`voices.create`; its consent recorded first, untimed). SoundClone and MiniMax clone the
LibriVox reading (24.7 s of speech); OpenAI needs a sample whose speaker read the consent phrase, so its sample and
consent are spoken by one system voice (a 25 s sample). Refinements run in the background meanwhile, as they would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soundclone.settings import Settings  # noqa: E402
from tests.integration.harness import FileServer, Service  # noqa: E402

TWO_SENTENCES = "The committee met on Tuesday to review the budget. After a long discussion, they agreed to wait."
ONE_SENTENCE = "Hello, how are you today?"
REFERENCE = ROOT / ".cache" / "speech" / "librivox_reference.wav"
SYSTEM_VOICES = {"minimax": "jm_kumo", "openai": "alloy", "soundclone": "jm_kumo"}


def minimax_stream(client: httpx.Client, voice: str) -> tuple[float, float]:
    body = {"model": "speech-02-turbo", "text": TWO_SENTENCES, "stream": True, "voice_setting": {"voice_id": voice},
            "audio_setting": {"format": "mp3", "sample_rate": 24000}}
    started, first = time.perf_counter(), None
    with client.stream("POST", "/v1/t2a_v2", json=body) as response:
        for line in response.iter_lines():
            if first is None and line.startswith("data: ") and '"status": 1' in line:
                first = time.perf_counter() - started
    return first, time.perf_counter() - started


def openai_stream(client: httpx.Client, voice: str) -> tuple[float, float]:
    body = {"model": "gpt-4o-mini-tts", "input": TWO_SENTENCES, "response_format": "mp3",
            "voice": voice if voice in ("alloy",) else {"id": voice}}
    started, first = time.perf_counter(), None
    with client.stream("POST", "/v1/audio/speech", json=body) as response:
        for chunk in response.iter_bytes():
            if first is None and chunk:
                first = time.perf_counter() - started
    return first, time.perf_counter() - started


def minimax_sync(client: httpx.Client, voice: str) -> tuple[float, float]:
    body = {"model": "speech-02-turbo", "text": ONE_SENTENCE, "voice_setting": {"voice_id": voice},
            "audio_setting": {"format": "mp3", "sample_rate": 24000}}
    started = time.perf_counter()
    assert client.post("/v1/t2a_v2", json=body).json()["base_resp"]["status_code"] == 0
    elapsed = time.perf_counter() - started
    return elapsed, elapsed


def soundclone_task(client: httpx.Client, voice: str) -> tuple[float, float]:
    started = time.perf_counter()
    task = client.post("/api/open-api/v1/soundCloning/audios", json={"modelId": voice, "contentText": ONE_SENTENCE}
                       ).json()["data"]
    while task["status"] not in ("completed", "failed"):
        time.sleep(0.02)
        task = client.get(f"/api/open-api/v1/audios/{task['id']}").json()["data"]
    elapsed = time.perf_counter() - started
    return elapsed, elapsed


PATHS: dict[str, tuple[str, Callable]] = {
    "MiniMax t2a_v2 stream, 2 sentences": ("minimax", minimax_stream),
    "OpenAI speech (streamed), 2 sentences": ("openai", openai_stream),
    "MiniMax t2a_v2 sync, 1 sentence": ("minimax", minimax_sync),
    "SoundClone audio task, 1 sentence": ("soundclone", soundclone_task),
}


def clone_soundclone(client: httpx.Client, files: FileServer, _: dict) -> float:
    started = time.perf_counter()
    task = client.post("/api/open-api/v1/soundCloning/clones", json={"fileUrl": files.url(REFERENCE.name),
                                                                     "language": "English"}).json()["data"]
    while task["status"] not in ("completed", "failed"):
        time.sleep(0.05)
        task = client.get(f"/api/open-api/v1/audios/{task['id']}").json()["data"]
    assert task["status"] == "completed", task
    return time.perf_counter() - started


def clone_minimax(client: httpx.Client, _: FileServer, state: dict) -> float:
    state["n"] = state.get("n", 0) + 1
    return clone(client, f"BenchVoice{state['n']:02d}")[1]


def clone_openai(client: httpx.Client, _: FileServer, state: dict) -> float:
    if "consent" not in state:
        phrase = client.get("/v1/audio/consent_phrases", params={"language": "en"}).json()["phrase"]
        recording = client.post("/v1/audio/speech", json={"model": "tts-1", "voice": "marin", "input": phrase,
                                                           "response_format": "wav"}).content
        state["consent"] = client.post("/v1/audio/voice_consents", data={"language": "en", "name": "bench"},
                                       files={"recording": ("c.wav", recording)}).json()["id"]
        state["sample"] = client.post("/v1/audio/speech", json={"model": "tts-1", "voice": "marin", "input": SAMPLE,
                                                                 "response_format": "wav"}).content
    started = time.perf_counter()
    voice = client.post("/v1/audio/voices", data={"name": "bench", "consent": state["consent"]},
                        files={"audio_sample": ("s.wav", state["sample"])}).json()
    assert "id" in voice, voice
    return time.perf_counter() - started


CLONES = {"SoundClone clone task (with its preview)": clone_soundclone, "MiniMax voice_clone": clone_minimax,
          "OpenAI voices.create": clone_openai}
SAMPLE = ("The morning train was late again, so Clara walked along the river instead. The water was calm and grey, "
          "and a few boats were already out near the bridge. She stopped at the bakery on the corner, bought two warm "
          "rolls and a coffee, and watched the city slowly wake up around her. By the time she reached the office, "
          "the sun had broken through the clouds, and the day no longer seemed so grey.")


def clone(client: httpx.Client, name: str = "BenchVoice00") -> tuple[str, float]:
    with REFERENCE.open("rb") as handle:
        file_id = client.post("/v1/files/upload", data={"purpose": "voice_clone"},
                              files={"file": (REFERENCE.name, handle)}).json()["file"]["file_id"]
    started = time.perf_counter()
    body = client.post("/v1/voice_clone", json={"file_id": file_id, "voice_id": name}).json()
    assert body["base_resp"]["status_code"] == 0, body
    return name, time.perf_counter() - started


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--no-clone", action="store_true", help="system voices only, no clone timings")
    parser.add_argument("--clones", type=int, default=3, help="clones timed per dialect")
    args = parser.parse_args()
    rows, clone_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(data_dir=Path(tmp) / "data", model_dir=ROOT / ".cache" / "models",
                          extra_env={"SOUNDCLONE_DRAFT_STEPS": str(Settings().draft_steps),
                                     "SOUNDCLONE_REFINE_STEPS": str(Settings().refine_steps)})
        try:
            service.cli("migrate")
            _, key = service.new_key(10**12)
            service.start_api()
            service.start_worker()
            with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=600) as client:
                cloned, clone_s = (None, None) if args.no_clone else clone(client)
                for label, (dialect, run) in PATHS.items():
                    for kind, voice in (("system", SYSTEM_VOICES[dialect]), ("cloned", cloned)):
                        if voice is None:
                            continue
                        run(client, voice)   # warm-up
                        times = [run(client, voice) for _ in range(args.repeat)]
                        firsts, lasts = [t[0] for t in times], [t[1] for t in times]
                        rows.append((label, kind, statistics.median(firsts), p90(firsts),
                                     statistics.median(lasts), p90(lasts)))
                if not args.no_clone:
                    with FileServer(REFERENCE.parent) as files:
                        state: dict = {}
                        for label, run in CLONES.items():
                            times = [run(client, files, state) for _ in range(args.clones)]
                            clone_rows.append((label, statistics.median(times), max(times)))
        finally:
            service.stop()
    if clone_s is not None:
        print(f"voice_clone of {REFERENCE.name} (24.7 s of speech): {clone_s:.1f} s until it could speak")
    print(f"median and p90 of {args.repeat} runs; 'first' is the first audio for streams, the whole answer otherwise")
    print(f"{'path':<40}{'voice':<8}{'first med':>10}{'first p90':>10}{'last med':>10}{'last p90':>10}")
    for label, kind, first, first90, last, last90 in rows:
        print(f"{label:<40}{kind:<8}{first:>10.3f}{first90:>10.3f}{last:>10.3f}{last90:>10.3f}")
    if clone_rows:
        print(f"\nclone request to a voice that can speak ({args.clones} each; draft {Settings().draft_steps} steps)")
        print(f"{'path':<44}{'median s':>10}{'max s':>10}")
        for label, median, longest in clone_rows:
            print(f"{label:<44}{median:>10.1f}{longest:>10.1f}")


if __name__ == "__main__":
    main()
