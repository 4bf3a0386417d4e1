"""Speaker verification: one real reader matches himself and not a synthesized woman; prints survive storage.

Thresholds and the pack pairs used here come from bench/speaker_check.py (docs/speaker-verification.md):
same-pack pairs score 0.94-0.98, af_heart against bm_daniel at most 0.56.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from soundclone.speech.engine import SynthesisOptions
from soundclone.speech.errors import SpeechError
from soundclone.speech.verification import (
    DIMENSIONS, ENCODER, MIN_SPEECH_S, SAME_SPEAKER_THRESHOLD, NotEnoughSpeech, Verdict, VoicePrint,
    VoicePrintError, same_speaker, verify, voice_print,
)
from tests.conftest import REFERENCE_WAV

CONSENT = "I am the person speaking in this recording, and I agree that my voice may be cloned by this service."
SAMPLE = "The old lighthouse keeper climbed the narrow stairs every evening and watched the ships come home."


@pytest.fixture(scope="module")
def reader():
    """The LibriVox fixture (24.7 s, one male reader) as two halves that share no audio."""
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    half = len(samples) // 2
    return samples[:half], samples[half:], rate


@pytest.fixture(scope="module")
def reader_prints(reader):
    first, second, rate = reader
    return voice_print(first, rate), voice_print(second, rate)


def spoken(engine, text: str, pack: str) -> VoicePrint:
    chunks = list(engine.synthesize(text, engine.system_voices()[pack], SynthesisOptions(language="en")))
    return voice_print(np.concatenate([c.samples for c in chunks]), chunks[0].sample_rate)


def test_two_halves_of_one_reader_are_the_same_speaker(reader_prints):
    first, second = reader_prints
    verdict = verify(first, second)
    assert verdict == Verdict(score=pytest.approx(same_speaker(first, second)), threshold=SAME_SPEAKER_THRESHOLD,
                              same=True)
    assert verdict.score > SAME_SPEAKER_THRESHOLD + 0.05   # the bench measures 0.92 and up for this reader


def test_a_print_is_unit_length_and_counts_its_speech(reader_prints, reader):
    first, _ = reader_prints
    assert len(first.embedding) == DIMENSIONS
    assert np.linalg.norm(first.vector()) == pytest.approx(1.0, abs=1e-5)
    assert MIN_SPEECH_S < first.speech_s <= len(reader[0]) / reader[2]


def test_the_threshold_argument_decides(reader_prints):
    first, second = reader_prints
    assert not verify(first, second, threshold=1.01).same


def test_too_little_speech_is_refused_clearly(reader):
    first, _, rate = reader
    with pytest.raises(NotEnoughSpeech, match=r"needs at least 2 s") as raised:
        voice_print(first[: int(1.2 * rate)], rate)
    assert isinstance(raised.value, SpeechError)
    with pytest.raises(NotEnoughSpeech, match=r"0\.0 s of speech"):
        voice_print(np.zeros(10 * rate, np.float32), rate)


def test_a_print_round_trips_through_json_and_bytes(reader_prints):
    first, second = reader_prints
    stored = json.loads(json.dumps(first.to_json()))
    again = VoicePrint.from_json(stored)
    assert again.encoder == ENCODER and again.speech_s == first.speech_s
    assert same_speaker(again, first) == pytest.approx(1.0, abs=1e-6)
    assert same_speaker(again, second) == pytest.approx(same_speaker(first, second), abs=1e-5)
    assert VoicePrint.from_bytes(first.to_bytes()) == again


@pytest.mark.parametrize("change", [
    {"encoder": "another-encoder"}, {"version": 99}, {"embedding": [0.1] * 3}, {"embedding": [float("nan")] * 256},
    {"embedding": ["x"] * 256}, {"embedding": [0.0] * 256},
])
def test_a_foreign_or_damaged_print_is_refused(reader_prints, change):
    stored = {**reader_prints[0].to_json(), **change}
    with pytest.raises(VoicePrintError):
        VoicePrint.from_json(stored)


def test_prints_of_another_encoder_never_compare(reader_prints):
    first, _ = reader_prints
    with pytest.raises(VoicePrintError):
        same_speaker(first, VoicePrint(first.embedding, first.speech_s, encoder="another-encoder"))
    with pytest.raises(VoicePrintError):
        VoicePrint.from_bytes(b"\xff not json")


@pytest.mark.slow
def test_the_reader_is_not_a_synthesized_woman(engine, reader_prints):
    woman = spoken(engine, CONSENT, "af_heart")
    for half in reader_prints:
        assert not verify(half, woman).same
        assert same_speaker(half, woman) < SAME_SPEAKER_THRESHOLD - 0.1


@pytest.mark.slow
def test_one_pack_matches_itself_and_not_a_distant_pack(engine):
    consent = spoken(engine, CONSENT, "af_heart")
    assert verify(consent, spoken(engine, SAMPLE, "af_heart")).same
    assert not verify(consent, spoken(engine, SAMPLE, "bm_daniel")).same
