"""Decoding: whitelisted containers only, limits from the probe, damage ends as a clear error."""

import os
import random
import time

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from soundclone.media.decode import DecodeLimits, decode_audio
from soundclone.media.encode import encode_audio
from soundclone.media.errors import DecodeError
from soundclone.media.vad import detect_speech
from tests.conftest import REFERENCE_WAV

RATE = 16_000


def tone(seconds=2.0, rate=RATE):
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def write_container(path, container, codec, seconds=2.0, video=False, audio=True, rate=RATE):
    with av.open(str(path), "w", format=container) as out:
        if video:
            vstream = out.add_stream("flv" if container == "flv" else "mpeg4", rate=10)
            vstream.width, vstream.height = 32, 32
        astream = out.add_stream(codec, rate=rate) if audio else None
        if video:
            for i in range(int(seconds * 10)):
                frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
                for packet in vstream.encode(frame):
                    out.mux(packet)
            for packet in vstream.encode(None):
                out.mux(packet)
        if astream is not None:
            samples = tone(seconds)
            resampler = av.AudioResampler(format=astream.format.name, layout="mono", rate=rate)
            for start in range(0, len(samples), 1024):
                frame = av.AudioFrame.from_ndarray(samples[start:start + 1024].reshape(1, -1), format="flt", layout="mono")
                frame.sample_rate = RATE
                for resampled in resampler.resample(frame):
                    for packet in astream.encode(resampled):
                        out.mux(packet)
            for packet in astream.encode(None):
                out.mux(packet)
    return path


@pytest.mark.parametrize("name, container, codec, video", [
    ("a.mp3", "mp3", "libmp3lame", False), ("a.ogg", "ogg", "libopus", False), ("a.wav", "wav", "pcm_s16le", False),
    ("a.m4a", "ipod", "aac", False), ("a.aac", "adts", "aac", False), ("a.mp4", "mp4", "aac", True),
    ("a.mkv", "matroska", "aac", True), ("a.avi", "avi", "libmp3lame", True), ("a.mov", "mov", "aac", True),
    ("a.flv", "flv", "aac", True),
])
def test_every_listed_format_decodes(tmp_path, name, container, codec, video):
    rate = 44_100 if container == "flv" else RATE  # FLV only carries the 44.1 kHz family
    decoded = decode_audio(write_container(tmp_path / name, container, codec, video=video, rate=rate))
    assert decoded.sample_rate == RATE and abs(decoded.duration_s - 2.0) < 0.15
    assert decoded.samples.dtype == np.float32 and np.abs(decoded.samples).max() > 0.1


def test_video_without_audio_is_refused(tmp_path):
    with pytest.raises(DecodeError, match="no audio track"):
        decode_audio(write_container(tmp_path / "v.mp4", "mp4", "aac", video=True, audio=False))


def test_playlists_are_refused_and_read_nothing(tmp_path):
    secret = write_container(tmp_path / "secret.wav", "wav", "pcm_s16le")
    os.utime(secret, (0, 0))
    hls = tmp_path / "fake.mp4"
    hls.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{secret}\n#EXT-X-ENDLIST\n")
    concat = tmp_path / "fake.wav"
    concat.write_text(f"ffconcat version 1.0\nfile '{secret}'\n")
    for disguised in (hls, concat):
        with pytest.raises(DecodeError, match="not a supported"):
            decode_audio(disguised)
    assert secret.stat().st_atime == 0


@pytest.mark.parametrize("content, message", [(b"", "empty"), (os.urandom(4000), "not a supported")])
def test_empty_and_random_files(tmp_path, content, message):
    path = tmp_path / "x.mp3"
    path.write_bytes(content)
    with pytest.raises(DecodeError, match=message):
        decode_audio(path)


def test_truncated_file_is_an_error_or_partial_audio(tmp_path):
    whole = write_container(tmp_path / "w.m4a", "ipod", "aac").read_bytes()
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(whole[: len(whole) // 3])
    try:
        decoded = decode_audio(cut)
    except DecodeError as error:
        assert str(error)
    else:
        assert decoded.duration_s < 2.0


def test_too_long_recording_is_refused_from_the_probe(tmp_path):
    path = tmp_path / "long.wav"
    path.write_bytes(encode_audio(np.zeros(600 * 8000, np.float32), 8000, fmt="wav"))
    started = time.monotonic()
    with pytest.raises(DecodeError, match="lasts 600 s"):
        decode_audio(path, limits=DecodeLimits(max_duration_s=300))
    assert time.monotonic() - started < 5


def test_channel_and_rate_caps(tmp_path):
    path = tmp_path / "hi.wav"
    path.write_bytes(encode_audio(tone(), RATE, fmt="wav", out_rate=48_000, channels=2))
    with pytest.raises(DecodeError, match="channels"):
        decode_audio(path, limits=DecodeLimits(max_channels=1))
    with pytest.raises(DecodeError, match="sample rate"):
        decode_audio(path, limits=DecodeLimits(max_sample_rate=44_100))


def test_silence_and_noise_have_no_speech_but_real_speech_does(tmp_path):
    assert detect_speech(np.zeros(RATE * 5, np.float32), RATE).speech_s < 0.5
    noise = np.random.default_rng(1).normal(0, 0.3, RATE * 5).astype(np.float32)
    assert detect_speech(noise, RATE).speech_s < 1.0
    speech = decode_audio(REFERENCE_WAV)
    assert 18 < detect_speech(speech.samples, RATE).speech_s < 24.8


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_media_decodes_or_fails_clearly(tmp_path, data):
    source = tmp_path / "seed.mp3"
    if not source.exists():
        write_container(source, "mp3", "libmp3lame", seconds=1.0)
    blob = bytearray(source.read_bytes())
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    mutation = data.draw(st.sampled_from(["flip", "truncate", "header"]))
    if mutation == "flip":
        for _ in range(rng.randint(1, 50)):
            blob[rng.randrange(len(blob))] ^= 1 << rng.randrange(8)
    elif mutation == "truncate":
        blob = blob[: rng.randrange(1, len(blob))]
    else:
        for i in range(rng.randint(1, 64)):
            blob[i % len(blob)] = rng.randrange(256)
    mutated = tmp_path / "mutated.mp3"
    mutated.write_bytes(bytes(blob))
    started = time.monotonic()
    try:
        decode_audio(mutated, limits=DecodeLimits(deadline_s=10))
    except DecodeError as error:
        assert str(error)
    assert time.monotonic() - started < 12
