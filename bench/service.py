"""Service latency through the MiniMax dialect, with a real API and worker on this machine.

    .venv/bin/python bench/service.py [--repeat 3]

Prints, for one multi-sentence text: the synchronous t2a_v2 latency, and for the SSE stream the time to
the first audio chunk and to the last event (the "submit a task, forward its chunks" design of DESIGN.md §2).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.harness import Service  # noqa: E402

TEXT = ("The committee met on Tuesday to review the budget. After a long discussion, they agreed to wait. "
        "The decision will come next quarter. Everyone went home early that day.")
BODY = {"model": "speech-02-turbo", "text": TEXT, "voice_setting": {"voice_id": "jm_kumo"},
        "audio_setting": {"format": "mp3", "sample_rate": 24000}}


def sync_latency(client: httpx.Client) -> tuple[float, float]:
    started = time.perf_counter()
    body = client.post("/v1/t2a_v2", json=BODY).json()
    return time.perf_counter() - started, body["extra_info"]["audio_length"] / 1000


def stream_latency(client: httpx.Client) -> tuple[float, float]:
    started, first = time.perf_counter(), None
    with client.stream("POST", "/v1/t2a_v2", json={**BODY, "stream": True}) as response:
        for line in response.iter_lines():
            if line.startswith("data: ") and first is None:
                first = time.perf_counter() - started
    return first, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(data_dir=Path(tmp) / "data", model_dir=ROOT / ".cache" / "models")
        try:
            service.cli("migrate")
            _, key = service.new_key(10**12)
            service.start_api()
            service.start_worker()
            with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as client:
                sync_latency(client)  # warm the worker's phonemizer
                sync = [sync_latency(client) for _ in range(args.repeat)]
                stream = [stream_latency(client) for _ in range(args.repeat)]
        finally:
            service.stop()
    audio_s = sync[0][1]
    median = statistics.median
    print(f"text: {len(TEXT)} characters, {audio_s:.1f} s of audio; median of {args.repeat}")
    print(f"{'t2a_v2 sync, whole answer':<34}{median(s for s, _ in sync):6.2f} s")
    print(f"{'t2a_v2 stream, first audio chunk':<34}{median(f for f, _ in stream):6.2f} s")
    print(f"{'t2a_v2 stream, last event':<34}{median(t for _, t in stream):6.2f} s")


if __name__ == "__main__":
    main()
