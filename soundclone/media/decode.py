"""Decoding untrusted media: a demuxer whitelist, `file` as the only protocol, limits checked from the
probe, and all FFmpeg work in a child process that is killed at the deadline.

A crash or hang inside FFmpeg therefore fails only the call that met it, as a DecodeError.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import soundclone
from soundclone.media.errors import DecodeError

ALLOWED_EXTENSIONS = ("mp3", "ogg", "wav", "m4a", "aac", "mp4", "avi", "mov", "mkv", "flv")
# FFmpeg demuxer names; FFmpeg checks the probed demuxer against this list before it reads a header,
# so playlist demuxers (hls, concat, dash, ...) that open other files or URLs never run.
DEMUXER_WHITELIST = ("mp3", "ogg", "wav", "mov,mp4,m4a,3gp,3g2,mj2", "aac", "matroska,webm", "avi", "flv")
CHILD_MODULE = "soundclone.media.decode_child"
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 192_000
STDERR_TAIL_CHARS = 300
CHILD_ENVIRONMENT = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "TMPDIR")
FLOAT32_BYTES = 4
CHILD_BASE_MEMORY_BYTES = 1024**3   # the interpreter, numpy and FFmpeg, with room to spare
OUTPUT_COPIES = 3                   # decoded chunks + their concatenation + the file write


@dataclass(frozen=True)
class DecodeLimits:
    max_duration_s: float = 300.0
    max_channels: int = 8
    max_sample_rate: int = 192_000
    max_bytes: int = 100 * 1024 * 1024
    deadline_s: float = 60.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value > 0:
                raise ValueError(f"DecodeLimits.{name} must be positive; got {value!r}")


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray   # float32, mono
    sample_rate: int
    duration_s: float
    container: str        # FFmpeg's demuxer name, e.g. "wav" or "mov,mp4,m4a,3gp,3g2,mj2"


def decode_audio(path: Path, *, sample_rate: int = 16000, limits: DecodeLimits = DecodeLimits()) -> DecodedAudio:
    """Decode a local file to mono float32 at `sample_rate`. Never pass a URL: fetch it first."""
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise ValueError(f"sample_rate must be {MIN_SAMPLE_RATE}..{MAX_SAMPLE_RATE} Hz; got {sample_rate!r}")
    path = Path(path).resolve()  # absolute, so FFmpeg can never read a "proto:" prefix into the name
    _check_file(path, limits)
    with tempfile.TemporaryDirectory(prefix="soundclone-decode-") as tmp:
        out = Path(tmp) / "samples.npy"
        request = {
            "path": str(path), "out": str(out), "rate": sample_rate, "limits": asdict(limits),
            "memory_bytes": _child_memory_bytes(sample_rate, limits),
        }
        reply = _run_child(request, limits)
        samples = _load_samples(out, sample_rate, limits)
    return DecodedAudio(samples, sample_rate, len(samples) / sample_rate, reply["container"])


def _check_file(path: Path, limits: DecodeLimits) -> None:
    try:
        info = path.stat()
    except OSError:
        raise DecodeError("the media file is missing") from None
    if not stat.S_ISREG(info.st_mode):
        raise DecodeError("the media path is not a regular file")
    if info.st_size == 0:
        raise DecodeError("the media file is empty (0 bytes)")
    if info.st_size > limits.max_bytes:
        raise DecodeError(f"the media file is {info.st_size} bytes; the limit is {limits.max_bytes} bytes")


def _child_memory_bytes(sample_rate: int, limits: DecodeLimits) -> int:
    output = int(limits.max_duration_s * sample_rate) * FLOAT32_BYTES
    return CHILD_BASE_MEMORY_BYTES + OUTPUT_COPIES * output


def _run_child(request: dict, limits: DecodeLimits) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-m", CHILD_MODULE], input=json.dumps(request), capture_output=True, text=True,
            timeout=limits.deadline_s, env=_child_environment(), cwd=tempfile.gettempdir(),
        )
    except subprocess.TimeoutExpired:  # run() has already killed the child
        raise DecodeError(f"decoding the file took longer than {limits.deadline_s:g} s; it was stopped") from None
    if done.returncode < 0:
        raise DecodeError(
            f"the file crashed the decoder (signal {-done.returncode}); it is damaged or not a supported media file"
        )
    reply = _parse_reply(done)
    if "error" in reply:
        raise DecodeError(reply["error"])
    return reply


def _child_environment() -> dict[str, str]:
    """A bare environment (the process that parses hostile bytes gets no secrets), with this package importable."""
    env = {name: os.environ[name] for name in CHILD_ENVIRONMENT if name in os.environ}
    root = str(Path(soundclone.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _parse_reply(done: subprocess.CompletedProcess) -> dict:
    lines = done.stdout.strip().splitlines()
    try:
        reply = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        reply = None
    if not isinstance(reply, dict) or not ("error" in reply or "container" in reply):
        tail = done.stderr.strip()[-STDERR_TAIL_CHARS:]
        raise DecodeError(f"the decoder failed on this file (exit status {done.returncode}): {tail}")
    return reply


def _load_samples(out: Path, sample_rate: int, limits: DecodeLimits) -> np.ndarray:
    samples = np.load(out, allow_pickle=False)
    most = int(limits.max_duration_s * sample_rate) + sample_rate  # the child cuts at the limit; 1 s of slack
    if samples.dtype != np.float32 or samples.ndim != 1 or samples.size > most:
        raise DecodeError("the decoder returned malformed audio for this file")
    return samples
