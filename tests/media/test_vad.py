"""Voice activity: silence and noise are not speech; a real reader is, for about as long as he speaks."""

import numpy as np
import pytest
import soundfile

from soundclone.media.decode import decode_audio
from soundclone.media.resample import resample_mono
from soundclone.media.vad import SpeechActivity, detect_speech, speech_only
from tests.conftest import REFERENCE_WAV
from tests.media.builders import RATE, speech_clips

REFERENCE_SPEECH_S = (20.0, 24.0)  # 24.7 s of reading with four breath pauses


@pytest.fixture(scope="module")
def reference():
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
    return samples, rate


def test_silence_is_not_speech():
    activity = detect_speech(np.zeros(5 * RATE, np.float32), RATE)
    assert activity == SpeechActivity(speech_s=0.0, segments=(), total_s=5.0)


@pytest.mark.parametrize("level", [0.01, 0.3])
def test_white_noise_is_not_speech(level):
    noise = np.random.default_rng(7).normal(0, level, 5 * RATE).astype(np.float32)
    assert detect_speech(noise, RATE).speech_s < 0.3


def test_a_tone_is_not_speech():
    t = np.arange(5 * RATE) / RATE
    assert detect_speech((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE).speech_s < 0.5


def test_the_reference_reader_speaks_for_most_of_it(reference):
    samples, rate = reference
    activity = detect_speech(samples, rate)
    assert REFERENCE_SPEECH_S[0] < activity.speech_s < REFERENCE_SPEECH_S[1]
    assert abs(activity.total_s - 24.73) < 0.01
    starts_and_ends = [t for segment in activity.segments for t in segment]
    assert starts_and_ends == sorted(starts_and_ends)
    assert 0 <= starts_and_ends[0] and starts_and_ends[-1] <= activity.total_s
    assert len(activity.segments) >= 3  # the pauses between sentences are found


def test_other_rates_give_the_same_answer(reference):
    samples, rate = reference
    at_16k = detect_speech(samples, rate).speech_s
    for other in (8_000, 44_100):
        assert abs(detect_speech(resample_mono(samples, rate, other), other).speech_s - at_16k) < 1.0


def test_speech_between_silences_is_located(reference):
    samples, rate = reference
    clip = samples[rate: 4 * rate]  # 3 s of reading
    padded = np.concatenate([np.zeros(2 * rate, np.float32), clip, np.zeros(2 * rate, np.float32)])
    activity = detect_speech(padded, rate)
    assert 2.0 < activity.speech_s < 3.3
    assert 1.7 < activity.segments[0][0] < 2.4 and 4.6 < activity.segments[-1][1] < 5.4


@pytest.mark.parametrize("clip", speech_clips(), ids=lambda p: p.stem[-4:])
def test_short_real_clips_are_mostly_speech(clip):
    samples, rate = soundfile.read(clip, dtype="float32")
    activity = detect_speech(samples, rate)
    assert 0.6 * activity.total_s < activity.speech_s <= activity.total_s


def test_speech_only_joins_the_segments(reference):
    samples, rate = reference
    padded = np.concatenate([np.zeros(2 * rate, np.float32), samples[: 3 * rate], np.zeros(2 * rate, np.float32)])
    activity = detect_speech(padded, rate)
    joined = speech_only(padded, rate, activity)
    assert abs(joined.size / rate - activity.speech_s) < 0.01
    assert joined.dtype == np.float32 and abs(joined[0]) < 1e-3 and abs(joined[-1]) < 1e-3  # faded edges
    assert speech_only(padded, rate, SpeechActivity(0.0, (), 7.0)).size == 0


def test_input_is_checked():
    with pytest.raises(ValueError, match="mono"):
        detect_speech(np.zeros((2, RATE), np.float32), RATE)
    with pytest.raises(ValueError, match="sample_rate"):
        detect_speech(np.zeros(RATE, np.float32), 0)
    assert detect_speech(np.zeros(10, np.float32), RATE).speech_s == 0.0


QUIET_PEAK = 10 ** (-60 / 20)


def test_quiet_clean_speech_is_found(reference):
    samples, rate = reference
    quiet = samples * np.float32(QUIET_PEAK / np.abs(samples).max())  # peaks at -60 dBFS
    assert REFERENCE_SPEECH_S[0] < detect_speech(quiet, rate).speech_s < REFERENCE_SPEECH_S[1]


def test_quiet_speech_stored_in_16_bits_is_found(reference, tmp_path):
    samples, rate = reference
    path = tmp_path / "quiet.wav"
    soundfile.write(path, samples * (QUIET_PEAK / np.abs(samples).max()), rate, subtype="PCM_16")
    decoded = decode_audio(path)
    assert REFERENCE_SPEECH_S[0] < detect_speech(decoded.samples, decoded.sample_rate).speech_s < 24.7


@pytest.mark.parametrize("gain", [1e-2, 0.5, 1.6])
def test_the_level_does_not_change_the_answer(reference, gain):
    samples, rate = reference
    assert abs(detect_speech(samples * np.float32(gain), rate).speech_s - detect_speech(samples, rate).speech_s) < 1.0


@pytest.mark.parametrize("level", [1e-5, 1e-3])
def test_quiet_noise_is_not_made_into_speech(level):
    noise = np.random.default_rng(5).normal(0, level, 5 * RATE).astype(np.float32)
    assert detect_speech(noise, RATE).speech_s < 0.3


def test_non_finite_samples_are_a_caller_error():
    samples = np.zeros(RATE, np.float32)
    samples[10] = np.inf
    with pytest.raises(ValueError, match="finite"):
        detect_speech(samples, RATE)
