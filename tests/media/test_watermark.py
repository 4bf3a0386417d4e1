"""The provenance watermark on real speech: its payload (the mark id) comes back through MP3, from a cut excerpt
and from a stream marked piece by piece; unmarked speech, noise, silence and other keys read as unmarked."""


import numpy as np
import pytest
import soundfile

from soundclone.media.encode import encode_audio
from soundclone.media.resample import resample_mono
from soundclone.media.watermark import MAX_MARK_ID, NOT_MARKED, detect, embed, read_payload
from tests.conftest import REFERENCE_WAV
from tests.media.builders import decoded_mono

RATE = 24_000
KEYS = {"k2": "the-new-marking-secret", "k1": "an-older-retired-secret"}
MARK_ID = 0xC0FFEE42


@pytest.fixture(scope="module")
def speech():
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
    return resample_mono(samples, rate, RATE)


@pytest.fixture(scope="module")
def marked(speech):
    return embed(speech, RATE, key=KEYS["k1"], mark_id=MARK_ID)


def codec_round_trip(samples, rate=RATE, fmt="mp3", bitrate=128_000):
    """Encoded with the service's encoder and decoded back to mono float at the file's own rate."""
    return decoded_mono(encode_audio(samples, rate, fmt=fmt, bitrate=bitrate))


def snr_db(clean, other):
    return 10 * np.log10(np.sum(np.square(clean, dtype=np.float64)) / np.sum(np.square(other - clean, dtype=np.float64)))


def test_the_mark_is_quiet_and_keeps_length_rate_and_silence(speech, marked):
    assert marked.dtype == np.float32 and marked.size == speech.size
    assert 18.0 <= snr_db(speech, marked) <= 30.0
    silence = np.zeros(RATE, np.float32)
    assert np.array_equal(embed(silence, RATE, key=KEYS["k1"], mark_id=MARK_ID), silence)


def test_the_payload_comes_back_through_mp3_under_an_older_key(marked):
    decoded, rate = codec_round_trip(marked)
    found = detect(decoded, rate, KEYS)
    assert found.marked and found.mark_id == MARK_ID and found.key_id == "k1" and found.confidence >= 0.5
    bits, _ = read_payload(decoded, rate, KEYS["k1"])
    assert _int(bits[:32]) == MARK_ID


def test_a_delayed_10_s_excerpt_of_the_mp3_at_8_khz_still_names_the_mark(marked):
    decoded, rate = codec_round_trip(marked)
    excerpt = np.concatenate([np.zeros(777, np.float32), decoded[int(7.3 * rate):int(17.3 * rate)] * 0.3])
    found = detect(resample_mono(excerpt, rate, 8_000), 8_000, KEYS)
    assert found.marked and found.mark_id == MARK_ID


def test_a_stream_marked_piece_by_piece_reads_as_one_mark(speech):
    cuts = [0, 12_000, 61_234, 150_001, 300_000, speech.size]
    pieces = [embed(speech[a:b], RATE, key=KEYS["k2"], mark_id=7, start=a) for a, b in zip(cuts, cuts[1:])]
    decoded, rate = codec_round_trip(np.concatenate(pieces))
    found = detect(decoded, rate, KEYS)
    assert found.marked and (found.key_id, found.mark_id) == ("k2", 7)


def test_unmarked_speech_noise_silence_and_other_keys_read_as_unmarked(speech, marked):
    plain, rate = codec_round_trip(speech)
    noise = np.random.default_rng(11).normal(0, 0.1, 10 * RATE).astype(np.float32)
    for samples in (plain, noise, np.zeros(10 * RATE, np.float32)):
        assert not detect(samples, rate, KEYS).marked
    decoded, rate = codec_round_trip(marked)
    wrong = detect(decoded, rate, {"x": "deployment-secreT", "y": "another tenant's key"})
    assert not wrong.marked and wrong.mark_id is None and wrong.key_id is None


def test_too_short_audio_is_not_marked():
    assert detect(np.zeros(100, np.float32), RATE, KEYS) == NOT_MARKED


@pytest.mark.parametrize("mark_id", [-1, MAX_MARK_ID + 1, 1.5])
def test_a_mark_id_must_fit_32_bits(mark_id):
    with pytest.raises(ValueError, match="mark_id"):
        embed(np.zeros(RATE, np.float32), RATE, key="k", mark_id=mark_id)


@pytest.mark.parametrize("key", ["", None])
def test_a_key_is_required(key):
    with pytest.raises(ValueError, match="key"):
        embed(np.zeros(RATE, np.float32), RATE, key=key, mark_id=1)


def _int(bits):
    return int("".join(str(int(b)) for b in bits), 2)
