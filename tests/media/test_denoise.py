"""Reference clean-up: noise reduction raises the SNR of real speech without eating it; volume lands on target."""

import numpy as np
import pytest
import soundfile

from soundclone.media.denoise import normalize_volume, reduce_noise
from soundclone.media.vad import detect_speech
from tests.conftest import REFERENCE_WAV

RATE = 16_000           # the rate references are analysed at
INPUT_SNR_DB = 10.0
MIN_SNR_GAIN_DB = 5.0
PEAK_CEILING = 0.99


@pytest.fixture(scope="module")
def speech():
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
    assert rate == RATE
    return samples


def power(x):
    return float(np.mean(np.square(x, dtype=np.float64)))


def snr_db(estimate, clean):
    return 10 * np.log10(power(clean) / power(np.asarray(estimate, np.float64) - clean))


def white_noise(like, snr, seed=0):
    noise = np.random.default_rng(seed).normal(0, 1, like.size)
    return (noise * np.sqrt(power(like) / power(noise) / 10 ** (snr / 10))).astype(np.float32)


def active_speech_dbfs(samples):
    """RMS over the voice-activity detector's speech segments: an independent measure of the speech level."""
    segments = detect_speech(samples, RATE).segments
    voiced = np.concatenate([samples[int(start * RATE):int(end * RATE)] for start, end in segments])
    return 10 * np.log10(power(voiced))


@pytest.mark.parametrize("seed", [0, 1])
def test_reduce_noise_raises_snr_and_keeps_the_speech(speech, seed):
    noisy = speech + white_noise(speech, INPUT_SNR_DB, seed)
    cleaned = reduce_noise(noisy, RATE)
    assert cleaned.size == speech.size
    assert snr_db(noisy, speech) == pytest.approx(INPUT_SNR_DB, abs=0.01)
    assert snr_db(cleaned, speech) >= INPUT_SNR_DB + MIN_SNR_GAIN_DB
    assert np.corrcoef(cleaned, speech)[0, 1] > 0.98


def test_reduce_noise_quiets_the_pauses(speech):
    noise = white_noise(speech, INPUT_SNR_DB)
    cleaned = reduce_noise(speech + noise, RATE)
    pauses = np.ones(speech.size, bool)
    for start, end in detect_speech(speech, RATE).segments:
        pauses[int(start * RATE):int(end * RATE)] = False
    assert pauses.sum() > RATE  # the reader breathes
    # the pauses still hold breaths and room tone, so what is measured is what is left of the added noise
    assert 10 * np.log10(power(cleaned[pauses] - speech[pauses]) / power(noise[pauses])) < -8.0


def test_reduce_noise_leaves_clean_speech_nearly_alone(speech):
    assert snr_db(reduce_noise(speech, RATE), speech) > 15.0


@pytest.mark.parametrize("scale, target", [(0.05, -20.0), (3.0, -20.0), (1.0, -16.0), (0.2, -26.0)])
def test_normalize_volume_hits_the_target(speech, scale, target):
    loud_or_quiet = np.clip(speech * scale, -1.0, 1.0).astype(np.float32)
    out = normalize_volume(loud_or_quiet, RATE, target_dbfs=target)
    assert out.size == speech.size
    assert active_speech_dbfs(out) == pytest.approx(target, abs=1.0)
    assert np.abs(out).max() <= PEAK_CEILING


def test_normalize_volume_leaves_silence_silent():
    silence = np.zeros(RATE, np.float32)
    assert np.array_equal(normalize_volume(silence, RATE), silence)
