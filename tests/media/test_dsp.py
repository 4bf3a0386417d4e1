"""voice_modify effects and reference clean-up, measured on real speech."""

import io

import av
import numpy as np
import pytest
import soundfile as sf

from soundclone.media import effects
from soundclone.media.denoise import normalize_volume, reduce_noise
from soundclone.media.effects import VoiceModify
from soundclone.media.encode import encode_audio
from tests.conftest import REFERENCE_WAV

RATE = 24_000


@pytest.fixture(scope="module")
def speech():
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    positions = np.arange(0, len(samples), rate / RATE)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)[: RATE * 8]


def rms(x):
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def band_share(x, low, high):
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    return power[(freqs >= low) & (freqs < high)].sum() / power.sum()


def centroid(x):
    power = np.abs(np.fft.rfft(x)) ** 2
    return float((np.fft.rfftfreq(len(x), 1 / RATE) * power).sum() / power.sum())


def echo_peak(x):
    """The strongest normalized autocorrelation at lags of 0.1-0.6 s."""
    size = 2 * len(x)
    spectrum = np.fft.rfft(x, size)
    auto = np.fft.irfft(np.abs(spectrum) ** 2, size)[: len(x)]
    return float(auto[int(0.1 * RATE):int(0.6 * RATE)].max() / auto[0])


def mp3_round_trip(x):
    with av.open(io.BytesIO(encode_audio(x, RATE, fmt="mp3"))) as container:
        stream = container.streams.audio[0]
        return np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)]).astype(np.float32), stream.rate


def test_neutral_settings_change_nothing(speech):
    assert effects.apply(speech, RATE, VoiceModify()) is not None
    assert np.array_equal(effects.apply(speech, RATE, VoiceModify(pitch=50)), speech)  # pitch is the synthesizer's


@pytest.mark.parametrize("field, value", [("pitch", 101), ("intensity", -101), ("timbre", 1.5), ("sound_effects", "chorus")])
def test_out_of_range_values_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        VoiceModify(**{field: value})


def test_intensity_forceful_lowers_crest_factor_and_soft_lowers_level_and_highs(speech):
    forceful = effects.apply(speech, RATE, VoiceModify(intensity=-100))
    soft = effects.apply(speech, RATE, VoiceModify(intensity=100))
    crest = lambda x: np.abs(x).max() / rms(x)  # noqa: E731
    assert crest(forceful) < crest(speech) * 0.9 and rms(forceful) > rms(speech)
    assert rms(soft) < rms(speech) * 0.7 and band_share(soft, 4000, 12000) < band_share(speech, 4000, 12000) * 0.5


def test_timbre_moves_the_spectral_centroid(speech):
    fuller = effects.apply(speech, RATE, VoiceModify(timbre=-100))
    crisper = effects.apply(speech, RATE, VoiceModify(timbre=100))
    assert centroid(fuller) < centroid(speech) * 0.85 < centroid(crisper) * 0.85


def test_each_sound_effect_has_its_signature(speech):
    echo = effects.apply(speech, RATE, VoiceModify(sound_effects="spacious_echo"))
    hall = effects.apply(speech, RATE, VoiceModify(sound_effects="auditorium_echo"))
    phone = effects.apply(speech, RATE, VoiceModify(sound_effects="lofi_telephone"))
    robot = effects.apply(speech, RATE, VoiceModify(sound_effects="robotic"))
    assert rms(echo[len(speech):]) > 0.05 * rms(speech) and rms(hall[len(speech):]) > 0.02 * rms(speech)
    assert band_share(phone, 0, 250) < band_share(speech, 0, 250) / 5 and band_share(phone, 3600, 12000) < band_share(speech, 3600, 12000)
    assert echo_peak(echo) > echo_peak(speech) + 0.1  # a discrete repeat 0.1-0.6 s later
    assert abs(np.corrcoef(robot, speech)[0, 1]) < 0.5  # modulated: no longer the same waveform
    for processed in (echo, hall, phone, robot):
        assert np.abs(processed).max() <= 0.99


def test_noise_reduction_raises_snr_and_keeps_the_speech(speech):
    noise = np.random.default_rng(0).normal(0, 1, len(speech)).astype(np.float32)
    noise *= rms(speech) / rms(noise) / 10 ** (10 / 20)
    cleaned = reduce_noise(speech + noise, RATE)
    snr = lambda x: 10 * np.log10(np.sum(speech.astype(np.float64) ** 2) / np.sum((x - speech) ** 2))  # noqa: E731
    assert snr(cleaned) > snr(speech + noise) + 5
    assert np.corrcoef(cleaned, speech)[0, 1] > 0.95


def test_volume_normalization_hits_the_target(speech):
    for scale in (0.05, 3.0):
        level = 20 * np.log10(rms(normalize_volume(speech * scale, RATE)))
        assert -22 < level < -18
