"""The worker's own Prometheus metrics (served on SOUNDCLONE_WORKER_METRICS_PORT when it is set): how long tasks
take by kind and outcome, how fast the engine speaks (real-time factor), how long enrollment stages take.
The API's /metrics shows the rest: requests, queue depth and task counts from the database."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram, start_http_server

REGISTRY = CollectorRegistry()
TASK_SECONDS = Histogram("soundclone_task_seconds", "Time a worker spent on a task, by kind and outcome",
                         ["kind", "outcome"], registry=REGISTRY,
                         buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600))
ENGINE_RTF = Histogram("soundclone_engine_real_time_factor", "Synthesis time per second of audio made",
                       registry=REGISTRY, buckets=(0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2))
ENROLL_SECONDS = Histogram("soundclone_enroll_seconds", "Time to make a voice, by stage (draft, refine)", ["stage"],
                           registry=REGISTRY, buckets=(1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600))


def task_finished(kind: str, outcome: str, seconds: float) -> None:
    TASK_SECONDS.labels(kind=kind, outcome=outcome).observe(seconds)


def spoke(audio_s: float, compute_s: float) -> None:
    if audio_s > 0:
        ENGINE_RTF.observe(compute_s / audio_s)


def enrolled(stage: str, seconds: float) -> None:
    ENROLL_SECONDS.labels(stage=stage).observe(seconds)


def serve(port: int, host: str = "0.0.0.0") -> None:
    if port:
        start_http_server(port, addr=host, registry=REGISTRY)
