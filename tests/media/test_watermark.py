"""The AIGC watermark: found in marked speech after MP3 and resampling, and nowhere else, with a wide margin."""

import io

import av
import numpy as np
import pytest
import soundfile

from soundclone.media.encode import encode_audio
from soundclone.media.resample import resample_mono
from soundclone.media.watermark import DETECTION_THRESHOLD, WatermarkResult, detect, embed
from tests.conftest import REFERENCE_WAV

RATE = 24_000
KEY = "deployment-secret"
FOUND = 2 * DETECTION_THRESHOLD    # marked audio scores at least this
ABSENT = DETECTION_THRESHOLD - 2   # unmarked audio scores below this


@pytest.fixture(scope="module")
def speech():
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
    return resample_mono(samples, rate, RATE)


@pytest.fixture(scope="module")
def marked(speech):
    return embed(speech, RATE, KEY)


def mp3_round_trip(samples, rate=RATE):
    """Encoded at 128 kbit/s and decoded back to mono float at the file's own rate."""
    resampler = av.AudioResampler(format="flt", layout="mono")
    with av.open(io.BytesIO(encode_audio(samples, rate, fmt="mp3", bitrate=128_000))) as container:
        stream = container.streams.audio[0]
        pieces = [out.to_ndarray().reshape(-1) for frame in container.decode(stream)
                  for out in resampler.resample(frame)]
        return np.concatenate(pieces), stream.codec_context.sample_rate


def level_db(part, whole):
    return 10 * np.log10(np.sum(np.square(part, dtype=np.float64)) / np.sum(np.square(whole, dtype=np.float64)))


def test_the_mark_is_quiet_and_changes_nothing_else(speech, marked):
    assert marked.dtype == np.float32 and marked.size == speech.size
    assert level_db(marked - speech, speech) <= -30.0
    silence = np.zeros(RATE, np.float32)
    assert np.array_equal(embed(silence, RATE, KEY), silence)  # it follows the speech's level


def test_found_after_mp3_and_after_resampling_to_16_khz(marked):
    decoded, rate = mp3_round_trip(marked)
    at_24k = detect(decoded, rate, KEY)
    at_16k = detect(resample_mono(decoded, rate, 16_000), 16_000, KEY)
    assert at_24k.present and at_24k.score >= FOUND
    assert at_16k.present and at_16k.score >= FOUND


def test_found_in_a_short_delayed_excerpt(marked):
    excerpt = np.concatenate([np.zeros(1_234, np.float32), marked[5 * RATE:9 * RATE]])
    decoded, rate = mp3_round_trip(excerpt)
    assert detect(decoded, rate, KEY).score >= FOUND


def test_found_in_speech_marked_at_another_rate(speech):
    at_16k = resample_mono(speech, RATE, 16_000)
    decoded, rate = mp3_round_trip(embed(at_16k, 16_000, KEY), 16_000)
    assert detect(decoded, rate, KEY).score >= FOUND


def test_absent_from_unmarked_speech_noise_and_silence(speech):
    decoded, rate = mp3_round_trip(speech)
    noise = np.random.default_rng(11).normal(0, 0.1, 10 * RATE).astype(np.float32)
    for samples in (decoded, noise, np.zeros(10 * RATE, np.float32)):
        result = detect(samples, rate, KEY)
        assert not result.present and result.score < ABSENT


def test_absent_for_another_key(marked):
    decoded, rate = mp3_round_trip(marked)
    for other in ("deployment-secreT", "another tenant", "x"):
        result = detect(decoded, rate, other)
        assert not result.present and result.score < ABSENT


def test_too_short_audio_is_not_marked():
    assert detect(np.zeros(100, np.float32), RATE, KEY) == WatermarkResult(present=False, score=0.0)


@pytest.mark.parametrize("key", ["", None])
def test_a_key_is_required(key):
    with pytest.raises(ValueError, match="key"):
        embed(np.zeros(RATE, np.float32), RATE, key)
