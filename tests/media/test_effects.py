"""voice_modify effects: each field moves real speech the documented way, by a measured amount."""

import time

import numpy as np
import pytest
import soundfile

from soundclone.media import effects
from soundclone.media.effects import VoiceModify
from soundclone.media.resample import resample_mono
from tests.conftest import REFERENCE_WAV

RATE = 24_000
CLIP_S = 10.0


@pytest.fixture(scope="module")
def speech():
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32", frames=int(CLIP_S * 16_000))
    return resample_mono(samples, rate, RATE)


def db(power_ratio):
    return 10 * np.log10(power_ratio)


def rms(x):
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def crest_db(x):
    return 20 * np.log10(np.abs(x).max() / rms(x))


def spectrum(x):
    return np.fft.rfftfreq(x.size, 1 / RATE), np.abs(np.fft.rfft(x)) ** 2


def band_power(x, low, high):
    freqs, power = spectrum(x)
    return power[(freqs >= low) & (freqs < high)].sum()


def centroid(x):
    freqs, power = spectrum(x)
    return float((freqs * power).sum() / power.sum())


def autocorrelation(x):
    size = 2 * x.size
    auto = np.fft.irfft(np.abs(np.fft.rfft(x, size)) ** 2, size)[: x.size]
    return auto / auto[0]


def test_neutral_and_pitch_only_settings_return_the_input_itself(speech):
    assert VoiceModify().is_neutral and not VoiceModify(pitch=1).is_neutral
    assert effects.apply(speech, RATE, VoiceModify()) is speech
    assert effects.apply(speech, RATE, VoiceModify(pitch=-70)) is speech  # the synthesizer shifts pitch


@pytest.mark.parametrize("pitch, semitones", [(0, 0.0), (100, 4.0), (-100, -4.0), (50, 2.0), (-25, -1.0)])
def test_pitch_is_a_semitone_shift_for_the_synthesizer(pitch, semitones):
    assert VoiceModify(pitch=pitch).semitones == semitones


@pytest.mark.parametrize("field, value", [
    ("pitch", 101), ("pitch", -101), ("intensity", -101), ("intensity", 1000), ("timbre", 101),
    ("timbre", 1.5), ("pitch", "10"), ("intensity", True), ("sound_effects", "chorus"), ("sound_effects", ""),
])
def test_invalid_values_raise_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        VoiceModify(**{field: value})


def test_apply_refuses_stereo_and_bad_rates(speech):
    with pytest.raises(ValueError, match="samples"):
        effects.apply(np.stack([speech, speech]), RATE, VoiceModify(timbre=10))
    with pytest.raises(ValueError, match="sample_rate"):
        effects.apply(speech, 0, VoiceModify(timbre=10))


def test_forceful_intensity_raises_rms_and_lowers_crest_factor(speech):
    half = effects.apply(speech, RATE, VoiceModify(intensity=-50))
    full = effects.apply(speech, RATE, VoiceModify(intensity=-100))
    assert full.size == half.size == speech.size
    assert 20 * np.log10(rms(full) / rms(speech)) > 20 * np.log10(rms(half) / rms(speech)) > 4.0
    assert crest_db(full) < crest_db(half) < crest_db(speech) - 3.0
    assert np.abs(full).max() <= np.abs(speech).max()  # louder by its RMS, not by its peaks


def test_soft_intensity_lowers_level_and_highs(speech):
    half = effects.apply(speech, RATE, VoiceModify(intensity=50))
    full = effects.apply(speech, RATE, VoiceModify(intensity=100))
    assert 20 * np.log10(rms(full) / rms(speech)) < 20 * np.log10(rms(half) / rms(speech)) < -2.0
    high_share = lambda x: band_power(x, 4_000, 12_000) / band_power(x, 0, 12_000)  # noqa: E731
    assert high_share(full) < high_share(half) < high_share(speech)
    assert db(high_share(full) / high_share(speech)) < -5.0


def test_timbre_moves_the_spectral_centroid_monotonically_at_equal_rms(speech):
    outputs = [effects.apply(speech, RATE, VoiceModify(timbre=t)) for t in (-100, -50, 50, 100)]
    centroids = [centroid(x) for x in outputs[:2]] + [centroid(speech)] + [centroid(x) for x in outputs[2:]]
    assert centroids == sorted(centroids)
    assert centroids[0] < 0.7 * centroids[2] and centroids[-1] > 1.5 * centroids[2]
    for x in outputs:
        assert abs(20 * np.log10(rms(x) / rms(speech))) < 0.1


def test_timbre_at_full_scale_tilts_about_8_db_each_way():
    noise = np.random.default_rng(5).normal(0, 0.05, 5 * RATE).astype(np.float32)
    crisp = effects.apply(noise, RATE, VoiceModify(timbre=100))
    tilt_db = lambda x: db(band_power(x, 8_500, 11_000) / band_power(x, 50, 110))  # noqa: E731
    assert 14.0 < tilt_db(crisp) - tilt_db(noise) < 18.0  # +8 dB at the top, -8 dB at the bottom


def test_spacious_echo_repeats_the_voice_after_its_delay(speech):
    echo = effects.apply(speech, RATE, VoiceModify(sound_effects="spacious_echo"))
    assert echo.size == speech.size + int(effects.ECHO_TAIL_S * RATE)
    lags = slice(int(0.1 * RATE), int(0.6 * RATE))
    auto, dry = autocorrelation(echo)[lags], autocorrelation(speech)[lags]
    peak_s = (np.argmax(auto) + lags.start) / RATE
    assert abs(peak_s - effects.ECHO_DELAY_S) < 0.005
    assert auto.max() > dry.max() + 0.2


def test_auditorium_echo_leaves_a_decaying_tail_after_the_speech(speech):
    hall = effects.apply(speech, RATE, VoiceModify(sound_effects="auditorium_echo"))
    assert hall.size == speech.size + int(effects.REVERB_TAIL_S * RATE) - 1
    tail = hall[speech.size:]
    early, late = tail[: int(0.4 * RATE)], tail[int(1.0 * RATE):int(1.4 * RATE)]
    assert 20 * np.log10(rms(early) / rms(speech)) > -30.0
    assert 20 * np.log10(rms(late) / rms(early)) < -10.0
    assert np.array_equal(hall, effects.apply(speech, RATE, VoiceModify(sound_effects="auditorium_echo")))


def test_lofi_telephone_keeps_only_the_telephone_band(speech):
    phone = effects.apply(speech, RATE, VoiceModify(sound_effects="lofi_telephone"))
    assert phone.size == speech.size
    outside = lambda x: (band_power(x, 0, 250) + band_power(x, 4_000, 12_000)) / band_power(x, 0, 12_000)  # noqa: E731
    assert db(outside(phone) / outside(speech)) < -10.0
    assert db(band_power(phone, 0, 150) / band_power(phone, 0, 12_000)) < -30.0


def test_robotic_splits_each_partial_into_ring_modulation_sidebands():
    t = np.arange(2 * RATE) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 1_000 * t)).astype(np.float32)
    robot = effects.apply(tone, RATE, VoiceModify(sound_effects="robotic"))
    at = lambda hz: band_power(robot, hz - 5, hz + 5)  # noqa: E731
    carrier = effects.ROBOT_CARRIER_HZ
    assert db(at(1_000 - carrier) / at(1_000)) > 10.0 and db(at(1_000 + carrier) / at(1_000)) > 10.0


def test_robotic_speech_falls_silent_at_each_carrier_null(speech):
    robot = effects.apply(speech, RATE, VoiceModify(sound_effects="robotic"))
    carrier = np.abs(np.sin(2 * np.pi * effects.ROBOT_CARRIER_HZ * np.arange(speech.size) / RATE))
    nulls, crests = carrier < 0.2, carrier > 0.9
    contrast_db = lambda x: db(np.mean(np.square(x[nulls], dtype=np.float64)) / np.mean(np.square(x[crests], dtype=np.float64)))  # noqa: E731
    assert abs(contrast_db(speech)) < 1.0 and contrast_db(robot) < -10.0


@pytest.mark.parametrize("effect", [None, *effects.SOUND_EFFECTS])
def test_loud_input_is_soft_limited_below_the_ceiling(speech, effect):
    loud = speech / np.abs(speech).max()
    out = effects.apply(loud, RATE, VoiceModify(intensity=-100, timbre=-100, sound_effects=effect))
    assert np.abs(out).max() <= effects.PEAK_CEILING
    assert np.count_nonzero(np.abs(out) > 0.985) < 0.001 * out.size  # bent towards the ceiling, not flattened on it


def test_a_minute_of_audio_is_processed_well_under_real_time(speech):
    minute = np.tile(speech, int(np.ceil(60 / CLIP_S)))[: 60 * RATE]
    started = time.perf_counter()
    for effect in effects.SOUND_EFFECTS:
        effects.apply(minute, RATE, VoiceModify(intensity=-40, timbre=30, sound_effects=effect))
    assert (time.perf_counter() - started) / len(effects.SOUND_EFFECTS) < 3.0
