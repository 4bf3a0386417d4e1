"""Run fuzz cases through the service's own decoding path and judge each outcome.

A case fails on an exception other than DecodeError, a hang past the deadline, decoder CPU time out of
proportion to the file's size, a message that shows a traceback, a source file, a filesystem path or a
library's internal text, decoded samples that are not finite mono float32, a speech check that raises,
or an outcome its name says must not happen. (A crash of the decoding parent is caught by the caller.)
"""

from __future__ import annotations

import re
import resource
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundclone.media.decode import DecodeLimits, decode_audio
from soundclone.media.errors import DecodeError
from soundclone.media.vad import detect_speech
from tests.fuzz_media.cases import EXPECT_DECODE, EXPECT_REFUSAL, EXPECT_SPEECH, Case, expectation, family_of

DEADLINE_S = 30.0
DEADLINE_SLACK_S = 2.0
MIN_SPEECH_SHARE = 0.5   # of the decoded duration, for cases that must speak
# The fuzz's own bound on decoder work, independent of the decoder's budget: generous, but linear in size.
WORK_BASE_CPU_S = 5.0
WORK_CPU_S_PER_MB = 1.0
MEGABYTE = 1024 * 1024
ANALYSIS_RATE = 16_000
# Written independently of the decoder's own filter: what must never appear in a user's message.
LEAKS = {
    "a traceback": re.compile(r"Traceback"),
    "a source location": re.compile(r"File \"|\bline \d+"),
    "a Python file": re.compile(r"\.py\b"),
    "a filesystem path": re.compile(r"(?<![\w.])/(?:[\w.-]+/)+[\w.-]*|[A-Za-z]:\\|/tmp\b|/etc\b|/home\b"),
    "an errno": re.compile(r"\[Errno|errno", re.IGNORECASE),
    "a library call": re.compile(r"\bav(?:format|codec|util|io)_|\bswr_|\bPyAV\b|\bAttributeError\b|\bNoneType\b"),
    "FFmpeg's wording": re.compile(r"Invalid data found when processing input|Operation not permitted|"
                                   r"End of file|returned -?\d+"),
    "an address": re.compile(r"0x[0-9a-f]{8,}", re.IGNORECASE),
}


@dataclass(frozen=True)
class Outcome:
    name: str
    family: str
    extension: str
    verdict: str          # "decoded" or "refused"
    message: str          # the refusal's message; empty when decoded
    cpu_s: float          # decoder child CPU time (user + system)
    wall_s: float
    speech_s: float | None
    problem: str | None   # why the case failed; None when it passed


def run_case(case: Case, *, deadline_s: float = DEADLINE_S) -> Outcome:
    name, data, extension = case
    with tempfile.TemporaryDirectory(prefix="fuzz-media-") as folder:
        path = Path(folder) / f"upload.{extension}"
        path.write_bytes(data)
        before, started = _children_cpu_s(), time.monotonic()
        try:
            decoded = decode_audio(path, sample_rate=ANALYSIS_RATE, limits=DecodeLimits(deadline_s=deadline_s))
        except DecodeError as error:
            samples, message, problem = None, str(error), _message_problem(str(error))
        except Exception as error:  # noqa: BLE001  an unexpected type is exactly what the fuzz reports
            samples, message, problem = None, "", f"unexpected {type(error).__name__}: {error}"
        else:
            samples, message, problem = decoded.samples, "", None
        wall_s, cpu_s = time.monotonic() - started, _children_cpu_s() - before
    speech_s = None
    if samples is not None and problem is None:
        problem, speech_s = _samples_problem(samples)
    if problem is None and wall_s > deadline_s + DEADLINE_SLACK_S:
        problem = f"ran {wall_s:.1f} s, past the {deadline_s:g} s deadline"
    if problem is None and cpu_s > WORK_BASE_CPU_S + WORK_CPU_S_PER_MB * len(data) / MEGABYTE:
        problem = f"the decoder used {cpu_s:.1f} s of CPU on {len(data) / MEGABYTE:.2f} MB"
    if problem is None:
        problem = _expectation_problem(name, samples, speech_s)
    verdict = "decoded" if samples is not None else "refused"
    return Outcome(name, family_of(name), extension, verdict, message, cpu_s, wall_s, speech_s, problem)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _message_problem(message: str) -> str | None:
    if not message.strip():
        return "an empty error message"
    for what, pattern in LEAKS.items():
        if pattern.search(message):
            return f"the message shows {what}: {message!r}"
    return None


def _samples_problem(samples: np.ndarray) -> tuple[str | None, float | None]:
    if samples.dtype != np.float32 or samples.ndim != 1 or not np.all(np.isfinite(samples)):
        return f"decoded samples are not finite mono float32 ({samples.dtype}, {samples.shape})", None
    try:
        return None, detect_speech(samples, ANALYSIS_RATE).speech_s
    except Exception as error:  # noqa: BLE001  the speech check must take whatever decoding returns
        return f"the speech check raised {type(error).__name__}: {error}", None


def _expectation_problem(name: str, samples: np.ndarray | None, speech_s: float | None) -> str | None:
    expected = expectation(name)
    if expected == EXPECT_REFUSAL and samples is not None:
        return "decoded, but must be refused"
    if expected in (EXPECT_DECODE, EXPECT_SPEECH) and samples is None:
        return "refused, but must decode"
    if expected == EXPECT_SPEECH and samples is not None:
        duration = samples.size / ANALYSIS_RATE
        if speech_s is None or speech_s < MIN_SPEECH_SHARE * duration:
            return f"only {speech_s} s of speech found in {duration:.1f} s"
    return None


# --- the table -------------------------------------------------------------------------------------------

COLUMNS = ("family", "cases", "refused", "decoded", "failed", "cpu max s", "cpu p95 s", "wall max s", "wall p95 s")


def table(outcomes: Iterable[Outcome]) -> str:
    outcomes = list(outcomes)
    families = sorted({outcome.family for outcome in outcomes})
    rows = [_row(family, [o for o in outcomes if o.family == family]) for family in families]
    rows.append(_row("all", outcomes))
    widths = [max(len(str(cell)) for cell in column) for column in zip(COLUMNS, *rows, strict=True)]
    lines = ["  ".join(f"{cell:>{width}}" if i else f"{cell:<{width}}" for i, (cell, width) in
                       enumerate(zip(row, widths, strict=True))) for row in (COLUMNS, *rows)]
    return "\n".join(lines)


def _row(label: str, outcomes: list[Outcome]) -> tuple[str, ...]:
    cpu = np.array([o.cpu_s for o in outcomes])
    wall = np.array([o.wall_s for o in outcomes])
    return (label, str(len(outcomes)), str(sum(o.verdict == "refused" for o in outcomes)),
            str(sum(o.verdict == "decoded" for o in outcomes)), str(sum(o.problem is not None for o in outcomes)),
            f"{cpu.max():.2f}", f"{np.percentile(cpu, 95):.2f}", f"{wall.max():.2f}", f"{np.percentile(wall, 95):.2f}")
