"""Encoded bytes really are in the asked format, rate and channel count, and hold the same sound."""

import io

import av
import numpy as np
import pytest

from soundclone.media.encode import encode_audio
from tests.media.builders import RATE, speech, tone

SECONDS = 2.0


def probe(blob, fmt=None):
    with av.open(io.BytesIO(blob), format=fmt) as container:
        stream = container.streams.audio[0]
        context = stream.codec_context
        codec, rate, channels = context.name, context.sample_rate, context.channels
        frames = [f.to_ndarray() if f.format.is_planar else f.to_ndarray().reshape(-1, channels).T
                  for f in container.decode(stream)]
        samples = np.concatenate(frames, axis=1) if frames else np.zeros((channels, 0))
        return container.format.name, codec, rate, channels, samples


def dominant_hz(samples, rate):
    spectrum = np.abs(np.fft.rfft(samples[: rate]))
    return np.argmax(spectrum) * rate / min(len(samples), rate)


@pytest.mark.parametrize("fmt, muxer, codec, out_rate, channels", [
    ("mp3", "mp3", "mp3float", None, 1), ("mp3", "mp3", "mp3float", 44_100, 2), ("mp3", "mp3", "mp3float", 24_000, 1),
    ("wav", "wav", "pcm_s16le", None, 1), ("wav", "wav", "pcm_s16le", 48_000, 2),
    ("flac", "flac", "flac", None, 1), ("flac", "flac", "flac", 22_050, 2),
])
def test_containers_decode_back_as_asked(fmt, muxer, codec, out_rate, channels):
    blob = encode_audio(tone(SECONDS), RATE, fmt=fmt, out_rate=out_rate, channels=channels)
    rate = out_rate or RATE
    found_muxer, found_codec, found_rate, found_channels, samples = probe(blob)
    assert (found_muxer, found_rate, found_channels) == (muxer, rate, channels)
    assert found_codec.startswith(codec.removesuffix("float"))
    frame_s = 1152 / rate
    assert abs(samples.shape[1] / rate - SECONDS) <= 2 * frame_s  # encoder delay and padding: about a frame
    assert abs(dominant_hz(samples[0].astype(np.float64), rate) - 220) < 3
    assert np.allclose(samples[0], samples[-1])  # stereo is the same voice on both sides


def test_raw_pcm_is_interleaved_s16le_at_the_asked_rate():
    blob = encode_audio(tone(SECONDS), RATE, fmt="pcm", out_rate=8_000, channels=2)
    pcm = np.frombuffer(blob, "<i2").reshape(-1, 2)
    assert abs(pcm.shape[0] - SECONDS * 8_000) <= 32
    assert np.array_equal(pcm[:, 0], pcm[:, 1])
    assert abs(dominant_hz(pcm[:, 0].astype(np.float64), 8_000) - 220) < 3
    assert 0.25 < np.abs(pcm).max() / 32768 < 0.35


def test_lossless_wav_round_trip_is_exact_to_16_bits():
    voice = speech(1.0)
    _, _, _, _, samples = probe(encode_audio(voice, RATE, fmt="wav"))
    assert np.max(np.abs(samples[0] / 32768 - voice)) <= 1 / 32768 + 1e-6


def test_mp3_bitrate_is_honoured():
    voice = speech(3.0)
    small, large = (len(encode_audio(voice, RATE, fmt="mp3", bitrate=b)) for b in (32_000, 128_000))
    assert abs(small * 8 / 3.0 - 32_000) < 8_000 and large > 3 * small


def test_loud_input_is_clipped_not_wrapped():
    blob = encode_audio(np.full(RATE, 3.0, np.float32), RATE, fmt="pcm")
    assert np.frombuffer(blob, "<i2").min() > 32000


def test_empty_input_gives_an_empty_but_valid_file():
    assert encode_audio(np.zeros(0, np.float32), RATE, fmt="pcm") == b""
    assert encode_audio(np.zeros(0, np.float32), RATE, fmt="wav")[:4] == b"RIFF"


@pytest.mark.parametrize("kwargs, field", [
    ({"fmt": "ogg"}, "fmt"), ({"channels": 3}, "channels"), ({"out_rate": 17_000}, "out_rate"),
    ({"bitrate": 0}, "bitrate"), ({"out_rate": -1, "fmt": "wav"}, "out_rate"),
])
def test_bad_options_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        encode_audio(tone(0.1), RATE, **kwargs)


def test_stereo_input_is_refused():
    with pytest.raises(ValueError, match="mono"):
        encode_audio(np.zeros((2, 100), np.float32), RATE, fmt="wav")


@pytest.mark.parametrize("fmt", ["mp3", "opus", "aac", "flac", "wav", "pcm"])
def test_a_stream_of_pieces_is_one_valid_file(fmt):
    from soundclone.media.encode import StreamEncoder

    tone = (0.3 * np.sin(np.arange(48_000) / 24_000 * 2 * np.pi * 220)).astype(np.float32)
    encoder = StreamEncoder(24_000, fmt=fmt)
    pieces = [encoder.push(tone[:20_000]), encoder.push(tone[20_000:]), encoder.close()]
    data = b"".join(pieces)
    assert pieces[1]       # bytes leave before the end, not all at close
    if fmt == "pcm":
        assert len(data) == 2 * tone.size
        return
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        seconds = sum(frame.samples for frame in container.decode(stream)) / stream.codec_context.sample_rate
    assert 1.95 < seconds < 2.1
