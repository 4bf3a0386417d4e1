"""Decoding untrusted media: whitelisted demuxers only, limits checked from the probe, in a child process.

The child (`python -m soundclone.media.decode_child`) does all FFmpeg work; if it hangs it is
killed at the deadline, and if it crashes only this call fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from soundclone.media.errors import DecodeError
from soundclone.media.sniff import HEADER_BYTES, sniff_container

ALLOWED_EXTENSIONS = ("mp3", "ogg", "wav", "m4a", "aac", "mp4", "avi", "mov", "mkv", "flv")
CHILD_MODULE = "soundclone.media.decode_child"
STDERR_TAIL = 300


@dataclass(frozen=True)
class DecodeLimits:
    max_duration_s: float = 300.0
    max_channels: int = 8
    max_sample_rate: int = 192_000
    max_bytes: int = 100 * 1024 * 1024
    deadline_s: float = 60.0


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray
    sample_rate: int
    duration_s: float
    container: str


def decode_audio(path: Path, *, sample_rate: int = 16000, limits: DecodeLimits = DecodeLimits()) -> DecodedAudio:
    container = _checked_container(path, limits)
    with tempfile.TemporaryDirectory(prefix="soundclone-decode-") as tmp:
        out = Path(tmp) / "samples.npy"
        request = {"path": str(path), "container": container, "rate": sample_rate, "out": str(out), "limits": asdict(limits)}
        try:
            done = subprocess.run(
                [sys.executable, "-m", CHILD_MODULE, json.dumps(request)],
                capture_output=True, text=True, timeout=limits.deadline_s,
            )
        except subprocess.TimeoutExpired:
            raise DecodeError(f"decoding the file took longer than {limits.deadline_s:g} s; it was stopped") from None
        if done.returncode < 0:
            raise DecodeError("the file crashed the decoder; it is damaged or not a supported media file")
        reply = _reply(done)
        if "error" in reply:
            raise DecodeError(reply["error"])
        samples = np.load(out)
    return DecodedAudio(samples=samples, sample_rate=sample_rate, duration_s=len(samples) / sample_rate, container=container)


def _checked_container(path: Path, limits: DecodeLimits) -> str:
    size = path.stat().st_size
    if size == 0:
        raise DecodeError("the file is empty")
    if size > limits.max_bytes:
        raise DecodeError(f"the file is {size} bytes; the limit is {limits.max_bytes} bytes")
    with open(path, "rb") as handle:
        container = sniff_container(handle.read(HEADER_BYTES))
    if container is None:
        raise DecodeError(
            "the file is not a supported audio or video file (supported: " + ", ".join(ALLOWED_EXTENSIONS) + ")"
        )
    return container


def _reply(done: subprocess.CompletedProcess) -> dict:
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = done.stderr.strip()[-STDERR_TAIL:]
        raise DecodeError(f"the decoder failed on this file (exit {done.returncode}): {tail}") from None
