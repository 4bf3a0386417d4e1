"""Decoding untrusted media: a demuxer whitelist, `file` as the only protocol, limits checked from the
probe, and all FFmpeg work in a child process that is killed at the deadline or when it spends more CPU
time than the file's size justifies.

A crash, hang or CPU flood inside FFmpeg therefore fails only the call that met it, as a DecodeError whose
message says what is wrong with the file; what the server's log needs (stderr, tracebacks) is in `.detail`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import soundclone
from soundclone.media.errors import DecodeError

log = logging.getLogger("soundclone.media")

ALLOWED_EXTENSIONS = ("mp3", "ogg", "wav", "m4a", "aac", "mp4", "avi", "mov", "mkv", "flv")
# FFmpeg demuxer names; FFmpeg checks the probed demuxer against this list before it reads a header,
# so playlist demuxers (hls, concat, dash, ...) that open other files or URLs never run.
DEMUXER_WHITELIST = ("mp3", "ogg", "wav", "mov,mp4,m4a,3gp,3g2,mj2", "aac", "matroska,webm", "avi", "flv")
CHILD_MODULE = "soundclone.media.decode_child"
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 192_000
STDERR_TAIL_CHARS = 2000
CHILD_ENVIRONMENT = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "TMPDIR")
FLOAT32_BYTES = 4
CHILD_BASE_MEMORY_BYTES = 1024**3   # the interpreter, numpy and FFmpeg, with room to spare
OUTPUT_COPIES = 3                   # decoded chunks + their concatenation + the file write

# The child's CPU time is capped in two steps (RLIMIT_CPU): opening the file (headers, metadata, probing)
# may cost a little per megabyte, and the whole decode a little more plus a share per second of audio.
# Honest files need a small fraction of this; metadata floods whose parsing grows with the square of
# their size meet the cap within seconds instead of running to the deadline.
MEGABYTE = 1024 * 1024
CHILD_START_CPU_S = 1.0             # interpreter, numpy and PyAV: about 0.2 s
OPEN_CPU_S_PER_MB = 0.2
DECODE_CPU_S_PER_MB = 0.2
DECODE_CPU_S_PER_AUDIO_S = 0.05     # 8-channel Opus, resampled, needs 0.013 s; room for slower machines

# Sample values a decoder may return: float files may run over full scale, not by orders of magnitude.
MAX_SAMPLE_MAGNITUDE = 10.0         # +20 dBFS

UNDECODABLE = "this file could not be decoded as audio"
TOO_MUCH_WORK = ("decoding the file needed far more work than a file of its size should (it may hold a flood "
                 "of metadata or other abnormal structures); it was stopped")
CRASHED = "the file crashed the decoder; it is damaged or not a supported media file"
MAX_MESSAGE_CHARS = 400
# A message that reads like internals (a traceback, a source file, a filesystem path) never reaches a user.
INTERNAL_TEXT = re.compile(r"Traceback|File \"|\.py\b|\bline \d+|(?:^|[\s'\"(=:])(?:~?/|[A-Za-z]:\\)\w")


@dataclass(frozen=True)
class DecodeLimits:
    max_duration_s: float = 300.0
    max_channels: int = 8
    max_sample_rate: int = 192_000
    min_sample_rate: int = 4_000   # below telephone quality nothing is speech; a 1 Hz header is a lie
    max_bytes: int = 100 * 1024 * 1024
    deadline_s: float = 60.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value > 0:
                raise ValueError(f"DecodeLimits.{name} must be positive; got {value!r}")
        if self.min_sample_rate > self.max_sample_rate:
            raise ValueError("DecodeLimits.min_sample_rate must not exceed max_sample_rate")


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray   # float32, mono
    sample_rate: int
    duration_s: float
    container: str        # FFmpeg's demuxer name, e.g. "wav" or "mov,mp4,m4a,3gp,3g2,mj2"


@dataclass(frozen=True)
class CpuBudget:
    open_s: int    # soft limit while the file is opened and probed (SIGXCPU beyond it)
    total_s: int   # for the whole child, raised to after opening


def decode_audio(path: Path, *, sample_rate: int = 16000, limits: DecodeLimits = DecodeLimits()) -> DecodedAudio:
    """Decode a local file to mono float32 at `sample_rate`. Never pass a URL: fetch it first."""
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise ValueError(f"sample_rate must be {MIN_SAMPLE_RATE}..{MAX_SAMPLE_RATE} Hz; got {sample_rate!r}")
    path = Path(path).resolve()  # absolute, so FFmpeg can never read a "proto:" prefix into the name
    try:
        return _decode(path, sample_rate, limits)
    except DecodeError as error:
        log.log(logging.WARNING if error.detail else logging.INFO, "decoding %s refused: %s (detail: %s)",
                path.name, error, error.detail or "none")
        raise


def _decode(path: Path, sample_rate: int, limits: DecodeLimits) -> DecodedAudio:
    size = _check_file(path, limits)
    with tempfile.TemporaryDirectory(prefix="soundclone-decode-") as tmp:
        out = Path(tmp) / "samples.npy"
        request = {
            "path": str(path), "out": str(out), "rate": sample_rate, "limits": asdict(limits),
            "memory_bytes": _child_memory_bytes(sample_rate, limits), "cpu": asdict(cpu_budget(size, limits)),
        }
        reply = _run_child(request, limits)
        samples = _load_samples(out, sample_rate, limits)
    return DecodedAudio(samples, sample_rate, len(samples) / sample_rate, reply["container"])


def _check_file(path: Path, limits: DecodeLimits) -> int:
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
    return info.st_size


def cpu_budget(size_bytes: int, limits: DecodeLimits) -> CpuBudget:
    megabytes = size_bytes / MEGABYTE
    open_s = CHILD_START_CPU_S + OPEN_CPU_S_PER_MB * megabytes
    total_s = open_s + DECODE_CPU_S_PER_MB * megabytes + DECODE_CPU_S_PER_AUDIO_S * limits.max_duration_s
    return CpuBudget(open_s=math.ceil(open_s), total_s=math.ceil(total_s))


def _child_memory_bytes(sample_rate: int, limits: DecodeLimits) -> int:
    output = int(limits.max_duration_s * sample_rate) * FLOAT32_BYTES
    return CHILD_BASE_MEMORY_BYTES + (OUTPUT_COPIES + limits.max_channels) * output  # every channel is kept


def _run_child(request: dict, limits: DecodeLimits) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-m", CHILD_MODULE], input=json.dumps(request), capture_output=True, text=True,
            errors="replace", timeout=limits.deadline_s, env=_child_environment(), cwd=tempfile.gettempdir(),
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has already killed the child
        raise DecodeError(f"decoding the file took longer than {limits.deadline_s:g} s; it was stopped",
                          detail="the child passed the wall-clock deadline and was killed") from None
    if done.returncode < 0:
        raise _killed(-done.returncode, done.stderr)
    reply = _parse_reply(done)
    if "error" in reply:
        raise DecodeError(user_message(reply["error"]), detail=str(reply.get("detail", "")))
    return reply


def _killed(signal_number: int, stderr: str) -> DecodeError:
    name = signal.Signals(signal_number).name if signal_number in signal.valid_signals() else str(signal_number)
    detail = f"the child died of signal {name}; stderr: {_tail(stderr)}"
    if signal_number in (signal.SIGXCPU, signal.SIGKILL):  # the CPU limits (SIGKILL: the hard one, or memory)
        return DecodeError(TOO_MUCH_WORK, detail=detail)
    return DecodeError(CRASHED, detail=detail)


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
    if isinstance(reply, dict) and (isinstance(reply.get("error"), str) or isinstance(reply.get("container"), str)):
        return reply
    raise DecodeError(UNDECODABLE, detail=f"the child gave no reply (exit status {done.returncode}); "
                                          f"stderr: {_tail(done.stderr)}")


def _tail(text: str) -> str:
    return text.strip()[-STDERR_TAIL_CHARS:]


def user_message(message: str) -> str:
    """The child's message if it reads like a plain sentence; the generic refusal otherwise.

    The child writes its own messages, but it parses hostile bytes: nothing it says is trusted to be clean.
    """
    if not message or len(message) > MAX_MESSAGE_CHARS or INTERNAL_TEXT.search(message):
        return UNDECODABLE
    return message


def _load_samples(out: Path, sample_rate: int, limits: DecodeLimits) -> np.ndarray:
    try:
        samples = np.load(out, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise DecodeError(UNDECODABLE, detail=f"the child's samples could not be loaded: {error!r}") from None
    most = int(limits.max_duration_s * sample_rate) + sample_rate  # the child cuts at the limit; 1 s of slack
    if samples.dtype != np.float32 or samples.ndim != 1 or samples.size > most:
        raise DecodeError(UNDECODABLE, detail=f"malformed samples: {samples.dtype} {samples.shape}")
    problem = sample_problem(samples)
    if problem is not None:
        raise DecodeError(problem, detail="the child returned samples it should have refused")
    return samples


def sample_problem(samples: np.ndarray, *, denormals_allowed: bool = False) -> str | None:
    """What is wrong with these sample values, in a sentence; None if nothing.

    Denormals are refused in a file's own float samples (a sign of crafting, and slow in every later step);
    lossy decoders may produce a few from quiet audio, which `flush_denormals` sets to zero instead.
    """
    if not np.all(np.isfinite(samples)):
        return "the audio has invalid samples (infinite or not-a-number values); the file is damaged"
    magnitude = np.abs(samples)
    if samples.size and float(magnitude.max()) > MAX_SAMPLE_MAGNITUDE:
        return "the audio has invalid samples (values far beyond full scale); the file is damaged"
    if not denormals_allowed and np.any(_denormal(magnitude)):
        return "the audio has invalid samples (denormal values); the file is damaged or crafted"
    return None


def flush_denormals(samples: np.ndarray) -> np.ndarray:
    samples[_denormal(np.abs(samples))] = 0
    return samples


def _denormal(magnitude: np.ndarray) -> np.ndarray:
    return (magnitude > 0) & (magnitude < np.finfo(magnitude.dtype).tiny)
