"""Decoding: whitelisted containers only, limits from the probe, damage and misbehaviour end as DecodeError."""

import os
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from soundclone.media import decode as decode_module, prescan
from soundclone.media.decode import ALLOWED_EXTENSIONS, UNDECODABLE, DecodeLimits, decode_audio
from soundclone.media.errors import DecodeError
from soundclone.media.vad import detect_speech
from tests.conftest import REFERENCE_WAV
from tests.fuzz_media import forge
from tests.fuzz_media.seeds import Recipe, encode
from tests.media.builders import FORMATS, RATE, speech, tone, write_format, write_media, write_wav
from tests.media.listener import Listener, reply

SECONDS = 3.0
CONTAINERS = {
    "mp3": "mp3", "ogg": "ogg", "wav": "wav", "aac": "aac", "avi": "avi", "flv": "flv", "mkv": "matroska,webm",
    "m4a": "mov,mp4,m4a,3gp,3g2,mj2", "mp4": "mov,mp4,m4a,3gp,3g2,mj2", "mov": "mov,mp4,m4a,3gp,3g2,mj2",
}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One file per accepted extension, all holding the same 3 s of real speech."""
    folder = tmp_path_factory.mktemp("media")
    samples = speech(SECONDS)
    return {name: write_format(folder / f"speech.{name}", name, samples) for name in FORMATS}


def rms(samples):
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def test_every_allowed_extension_has_a_fixture():
    assert set(FORMATS) == set(ALLOWED_EXTENSIONS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_accepted_format_decodes_to_mono_float_at_the_asked_rate(media, name):
    decoded = decode_audio(media[name])
    assert decoded.sample_rate == RATE and decoded.container == CONTAINERS[name]
    assert decoded.samples.dtype == np.float32 and decoded.samples.ndim == 1
    assert abs(decoded.duration_s - SECONDS) < 0.15
    assert 0.8 < rms(decoded.samples) / rms(speech(SECONDS)) < 1.25


def test_lossless_audio_comes_back_nearly_exact(media):
    decoded = decode_audio(media["wav"])
    assert np.max(np.abs(decoded.samples - speech(SECONDS))) < 1e-3


def test_stereo_44k_is_downmixed_and_resampled(tmp_path):
    path = write_media(tmp_path / "st.m4a", tone(2.0), muxer="ipod", codec="aac", rate=44_100, channels=2)
    decoded = decode_audio(path, sample_rate=24_000)
    assert decoded.sample_rate == 24_000 and abs(decoded.duration_s - 2.0) < 0.1
    spectrum = np.abs(np.fft.rfft(decoded.samples[2400:26400]))
    assert abs(np.argmax(spectrum) * 24_000 / 24_000 - 220) < 2  # the 220 Hz tone survives, in mono


def test_the_first_audio_stream_of_a_video_is_used(tmp_path):
    path = write_media(tmp_path / "two.mkv", tone(2.0), muxer="matroska", codec="libmp3lame", video=True,
                       extra_tracks=[np.zeros(2 * RATE, np.float32)])
    assert rms(decode_audio(path).samples) > 0.1
    path = write_media(tmp_path / "two.mp4", np.zeros(2 * RATE, np.float32), muxer="mp4", codec="aac", video=True,
                       extra_tracks=[tone(2.0)])
    assert rms(decode_audio(path).samples) < 0.01


def test_real_speech_reference_decodes(tmp_path):
    decoded = decode_audio(REFERENCE_WAV)
    assert abs(decoded.duration_s - 24.7) < 0.1


# --- refusals, each with a sentence that says what is wrong --------------------------------------


def test_a_video_without_audio_is_refused(tmp_path):
    path = write_media(tmp_path / "silent.mp4", None, muxer="mp4", video=True, video_seconds=1.0)
    with pytest.raises(DecodeError, match="no audio track"):
        decode_audio(path)


_NOISE = random.Random(20261206)


@pytest.mark.parametrize("content, name", [
    (_NOISE.randbytes(4000), "x.mp3"), (_NOISE.randbytes(100), "x.wav"), (b"hello, this is text\n" * 50, "x.ogg"),
    (b"\x00" * 4096, "x.m4a"), (b"<html><body>404</body></html>", "x.mp4"),
], ids=["random-mp3", "random-wav", "text-ogg", "zeros-m4a", "html-mp4"])
def test_bytes_that_are_not_media_are_refused(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DecodeError, match="not a recognisable audio or video file|not accepted"):
        decode_audio(path)


def test_an_empty_or_missing_file_is_refused(tmp_path):
    (tmp_path / "empty.mp3").write_bytes(b"")
    with pytest.raises(DecodeError, match="empty"):
        decode_audio(tmp_path / "empty.mp3")
    with pytest.raises(DecodeError, match="missing"):
        decode_audio(tmp_path / "nothing.mp3")
    os.mkfifo(tmp_path / "fifo.wav")  # would block a reader forever
    with pytest.raises(DecodeError, match="not a regular file"):
        decode_audio(tmp_path / "fifo.wav")


@pytest.mark.parametrize("muxer, codec, name", [("flac", "flac", "a.flac"), ("aiff", "pcm_s16be", "a.wav"),
                                                ("au", "pcm_s16be", "a.mp3")])
def test_containers_off_the_whitelist_are_refused(tmp_path, muxer, codec, name):
    path = write_media(tmp_path / name, tone(1.0), muxer=muxer, codec=codec)
    with pytest.raises(DecodeError, match="format is not accepted"):
        decode_audio(path)


@pytest.mark.parametrize("name, outcome", [
    ("m4a", "damaged, incomplete"), ("mp4", "damaged, incomplete"), ("mov", "damaged, incomplete"),  # index at the end
    ("mkv", "truncated: it declares 3.1 s"), ("flv", "truncated: it declares 3.0 s"), ("avi", "truncated"),
    ("wav", None), ("ogg", None), ("mp3", None), ("aac", None),  # nothing in the file says how long it was
])
def test_a_file_cut_in_half(tmp_path, media, name, outcome):
    whole = media[name].read_bytes()
    cut = tmp_path / f"cut.{name}"
    cut.write_bytes(whole[: len(whole) // 2])
    if outcome is None:
        assert 0.8 < decode_audio(cut).duration_s < 0.6 * SECONDS
    else:
        with pytest.raises(DecodeError, match=outcome):
            decode_audio(cut)


def test_a_ten_minute_file_is_refused_from_the_probe_fast(tmp_path):
    path = write_wav(tmp_path / "long.wav", np.zeros(600 * 8000, np.float32), rate=8000)
    started = time.monotonic()
    with pytest.raises(DecodeError, match="lasts 600 s; at most 300 s"):
        decode_audio(path, limits=DecodeLimits(max_duration_s=300))
    assert time.monotonic() - started < 2


def test_a_file_that_understates_its_length_is_cut_off_while_decoding(tmp_path):
    # ADTS has no length field: FFmpeg guesses it from the bitrate of loud first seconds, far too short
    loud = np.random.default_rng(0).uniform(-0.9, 0.9, 3 * RATE).astype(np.float32)
    path = write_media(tmp_path / "liar.aac", np.concatenate([loud, np.zeros(40 * RATE, np.float32)]), muxer="adts")
    with pytest.raises(DecodeError, match="lasts more than 20 s"):
        decode_audio(path, limits=DecodeLimits(max_duration_s=20))


def test_channel_rate_and_size_caps(tmp_path):
    path = write_wav(tmp_path / "hi.wav", tone(1.0, 48_000), rate=48_000, channels=2)
    with pytest.raises(DecodeError, match="2 channels; at most 1"):
        decode_audio(path, limits=DecodeLimits(max_channels=1))
    with pytest.raises(DecodeError, match="48000 Hz; at most 44100 Hz"):
        decode_audio(path, limits=DecodeLimits(max_sample_rate=44_100))
    with pytest.raises(DecodeError, match=f"{path.stat().st_size} bytes; the limit is 1000 bytes"):
        decode_audio(path, limits=DecodeLimits(max_bytes=1000))


def test_limits_and_rate_are_validated():
    with pytest.raises(ValueError, match="max_duration_s"):
        DecodeLimits(max_duration_s=0)
    with pytest.raises(ValueError, match="sample_rate"):
        decode_audio(REFERENCE_WAV, sample_rate=100)


# --- playlists and lists of files: refused, and nothing they point at is read -------------------


def atime_is_tracked(path):
    os.utime(path, (0, path.stat().st_mtime))
    path.read_bytes()
    return path.stat().st_atime != 0


def test_playlists_and_file_lists_are_refused_and_read_nothing(tmp_path):
    secret = write_wav(tmp_path / "secret.wav", tone(1.0))
    segment = secret.read_bytes()
    tracked = atime_is_tracked(secret)
    os.utime(secret, (0, secret.stat().st_mtime))
    with Listener() as listener:
        listener.routes["/seg.ts"] = reply(200, segment)
        remote = listener.url("/seg.ts")
        hls = f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nsecret.wav\n#EXTINF:10,\n{remote}\n#EXT-X-ENDLIST\n"
        disguised = {
            "hls.mp4": hls, "hls.m3u8": hls, "list.wav": "ffconcat version 1.0\nfile 'secret.wav'\n",
            "abs.wav": f"ffconcat version 1.0\nfile '{secret}'\n",
            "list.mp3": f"ffconcat version 1.0\nfile '{remote}'\n",
            "x.m3u": f"#EXTM3U\n{secret}\n{remote}\n",
        }
        for name, text in disguised.items():
            (tmp_path / name).write_text(text)
            with pytest.raises(DecodeError):
                decode_audio(tmp_path / name)
        assert listener.connections == 0
    if tracked:
        assert secret.stat().st_atime == 0


def test_a_file_name_is_never_read_as_a_protocol(tmp_path, media, monkeypatch):
    odd = tmp_path / "concat:secret.wav"
    odd.write_bytes(media["wav"].read_bytes())
    monkeypatch.chdir(tmp_path)
    assert decode_audio(Path("concat:secret.wav")).container == "wav"


# --- a decoder that crashes or hangs fails only its own call -------------------------------------


@pytest.fixture
def misbehaving_child(monkeypatch):
    monkeypatch.setattr(decode_module, "CHILD_MODULE", "tests.media.misbehaving_child")


def test_a_crashing_decoder_is_a_decode_error(tmp_path, misbehaving_child, caplog):
    path = tmp_path / "segfault.wav"
    path.write_bytes(b"RIFF....")
    with pytest.raises(DecodeError, match=r"^the file crashed the decoder; it is damaged") as raised:
        decode_audio(path)
    assert "SIGSEGV" in raised.value.detail and "SIGSEGV" not in str(raised.value)
    assert any("SIGSEGV" in record.getMessage() for record in caplog.records if record.name == "soundclone.media")


def test_a_hanging_decoder_is_killed_at_the_deadline(tmp_path, misbehaving_child):
    path = tmp_path / "hang.wav"
    path.write_bytes(b"RIFF....")
    started = time.monotonic()
    with pytest.raises(DecodeError, match="longer than 1 s; it was stopped"):
        decode_audio(path, limits=DecodeLimits(deadline_s=1))
    assert time.monotonic() - started < 2
    pid = int(Path(f"{path}.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_decoder_gets_no_secrets_from_the_environment(tmp_path, misbehaving_child, monkeypatch):
    monkeypatch.setenv("SOUNDCLONE_SECRET_KEY", "do-not-leak")
    path = tmp_path / "environment.wav"
    path.write_bytes(b"RIFF....")
    with pytest.raises(DecodeError, match="environment written"):
        decode_audio(path)
    assert "do-not-leak" not in Path(f"{path}.env").read_text()


def test_a_decoder_that_answers_nonsense_is_a_decode_error(tmp_path, misbehaving_child):
    path = tmp_path / "garbage.wav"
    path.write_bytes(b"RIFF....")
    with pytest.raises(DecodeError) as raised:
        decode_audio(path)
    assert str(raised.value) == UNDECODABLE
    assert "exit status 3" in raised.value.detail and "alarming" in raised.value.detail


def test_a_decoder_message_that_shows_internals_is_not_passed_on(tmp_path, misbehaving_child):
    path = tmp_path / "leaky.wav"
    path.write_bytes(b"RIFF....")
    with pytest.raises(DecodeError) as raised:
        decode_audio(path)
    assert str(raised.value) == UNDECODABLE


def test_a_decoder_that_burns_cpu_is_stopped_by_its_budget_not_the_deadline(tmp_path, misbehaving_child):
    path = tmp_path / "spin.wav"
    path.write_bytes(b"RIFF....")
    budget = decode_module.cpu_budget(path.stat().st_size, DecodeLimits())
    started = time.monotonic()
    with pytest.raises(DecodeError, match="far more work than a file of its size") as raised:
        decode_audio(path, limits=DecodeLimits(deadline_s=60))
    assert time.monotonic() - started < budget.open_s + 5
    assert "SIGXCPU" in raised.value.detail


def test_the_cpu_budget_grows_with_the_file_size():
    limits = DecodeLimits()
    small, large = decode_module.cpu_budget(10_000, limits), decode_module.cpu_budget(50 * 1024 * 1024, limits)
    assert small.open_s <= 2 and small.open_s < small.total_s <= 20
    assert large.open_s > small.open_s and large.total_s > small.total_s
    assert large.total_s < limits.deadline_s  # the budget, not the deadline, bounds a large file


# --- no traceback, path or library text in a message; hostile headers refused plainly --------------

INTERNALS = re.compile(r"Traceback|File \"|\.py\b|\bline \d+|/\w+/|Errno|NoneType|Invalid data found")


def plain_refusal(path, match):
    with pytest.raises(DecodeError, match=match) as raised:
        decode_audio(path)
    assert not INTERNALS.search(str(raised.value)), str(raised.value)
    return raised.value


@pytest.mark.parametrize("fmt, match", [
    (forge.fmt_chunk(1, 1, RATE, 0, block_align=2), "codec, which is not accepted"),       # zero bit depth
    (forge.fmt_chunk(0x1234, 1, RATE, 16), "codec, which is not accepted"),                # unknown format tag
    (forge.fmt_chunk(0xFFFE, 1, RATE, 16, extension=forge.extensible(0, 0, 0x1234)), "codec, which is not accepted"),
    (forge.fmt_chunk(0xFFFE, 1, RATE, 16, extension=forge.extensible(16, 0x4, 0x1234)), "codec, which is not accepted"),
    (forge.fmt_chunk(1, 0, RATE, 16, block_align=2), "no channels"),
    (forge.fmt_chunk(1, 1, 0, 16), "could not be opened|no sample rate|not a recognisable"),
    (forge.fmt_chunk(0x0161, 1, RATE, 16), "wmav2 codec, which is not accepted"),         # a decoder not on the list
], ids=["bits-0", "unknown-tag", "extensible-odd", "extensible-unknown-subformat", "channels-0", "rate-0", "wma"])
def test_hostile_wav_headers_are_refused_plainly(tmp_path, fmt, match):
    path = tmp_path / "hostile.wav"
    path.write_bytes(forge.riff(b"WAVE", [fmt, forge.chunk(b"data", b"\x10\x00" * RATE)]))
    plain_refusal(path, match)


@pytest.mark.parametrize("codec_id", [b"A_UNKNOWN", b"V_VP8\0\0\0\0", b"A_MS/ACM\0"])
def test_matroska_with_an_unknown_codec_is_refused_plainly(tmp_path, media, codec_id):
    whole = media["mkv"].read_bytes()
    path = tmp_path / "codec.mkv"
    path.write_bytes(whole.replace(b"A_MPEG/L3", codec_id, 1))
    plain_refusal(path, "not accepted|no audio track")


@pytest.mark.parametrize("flags", [0x00, 0x0F, 0x2F, 0xAC, 0xFF])
def test_flv_with_damaged_audio_tags_fails_plainly(tmp_path, media, flags):
    data = bytearray(media["flv"].read_bytes())
    at = forge.FLV_HEADER_END
    while at + 11 < len(data):
        if data[at] == 8:
            data[at + 11] = flags
        at += 15 + int.from_bytes(data[at + 1:at + 4], "big")
    path = tmp_path / "damaged.flv"
    path.write_bytes(bytes(data))
    try:
        decode_audio(path)
    except DecodeError as error:
        assert not INTERNALS.search(str(error)), str(error)


# --- sample values -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, bits", [(np.inf, 32), (-np.inf, 32), (np.nan, 32), (1e30, 32), (12.0, 32),
                                         (1e-40, 32), (np.inf, 64), (1e300, 64), (1e-310, 64)])
def test_invalid_float_samples_are_refused_before_any_engine_work(tmp_path, value, bits):
    samples = speech(1.0).astype(np.float64)
    samples[RATE // 2: RATE // 2 + 4] = value
    path = tmp_path / "float.wav"
    path.write_bytes(forge.wav(samples, RATE, bits=bits))
    plain_refusal(path, "the audio has invalid samples")


def test_a_sample_rate_below_telephone_quality_is_refused(tmp_path):
    path = write_wav(tmp_path / "low.wav", tone(1.0, 2_000), rate=2_000)  # a lying header reads like this
    plain_refusal(path, "2000 Hz; at least 4000 Hz is needed")


def test_float_samples_over_full_scale_decode(tmp_path):
    loud = speech(1.0) / np.abs(speech(1.0)).max() * 4.0
    path = tmp_path / "loud.wav"
    path.write_bytes(forge.wav(loud, RATE, bits=32))
    assert np.max(np.abs(decode_audio(path).samples)) == pytest.approx(4.0, rel=0.01)


def test_quiet_lossy_audio_decodes_with_its_denormals_flushed(tmp_path):
    quiet = speech(2.0) * np.float32(1e-3 / np.abs(speech(2.0)).max())
    path = tmp_path / "quiet.ogg"
    path.write_bytes(encode(quiet, Recipe("ogg", "ogg", "libopus")))  # the Opus decoder makes a few denormals
    samples = decode_audio(path).samples
    tiny = np.finfo(np.float32).tiny
    assert not np.any((samples != 0) & (np.abs(samples) < tiny)) and rms(samples) > 0


# --- channels ------------------------------------------------------------------------------------------


def test_an_eight_channel_wav_decodes(tmp_path):
    frames = np.zeros((3 * RATE, 8), np.float32)
    frames[:, 2] = speech(SECONDS)  # a 7.1 file whose speech is in the centre channel
    path = tmp_path / "7.1.wav"
    path.write_bytes(forge.wav(frames, RATE))
    decoded = decode_audio(path)
    assert abs(decoded.duration_s - SECONDS) < 0.01
    assert np.max(np.abs(decoded.samples - speech(SECONDS) / 8)) < 1e-3  # the mean of the channels


@pytest.mark.parametrize("recipe", [Recipe("m4a", "ipod", "aac"), Recipe("ogg", "ogg", "libopus", 48_000),
                                    Recipe("mkv", "matroska", "flac")], ids=["aac", "opus", "flac"])
def test_eight_channel_compressed_audio_decodes(tmp_path, recipe):
    path = tmp_path / f"7.1.{recipe.extension}"
    path.write_bytes(encode(np.repeat(speech(SECONDS)[:, None], 8, axis=1), recipe))
    decoded = decode_audio(path)
    assert abs(decoded.duration_s - SECONDS) < 0.15 and 0.5 < rms(decoded.samples) / rms(speech(SECONDS)) < 2


def test_stereo_in_opposite_phase_keeps_the_speech(tmp_path):
    path = tmp_path / "opposite.wav"
    path.write_bytes(forge.wav(np.stack([speech(SECONDS), -speech(SECONDS)], axis=1), RATE))
    decoded = decode_audio(path)
    assert np.max(np.abs(np.abs(decoded.samples) - np.abs(speech(SECONDS)))) < 1e-3  # one channel, not the void
    assert detect_speech(decoded.samples, RATE).speech_s > 0.6 * SECONDS


def test_stereo_with_unrelated_channels_is_still_downmixed(tmp_path):
    noise = np.random.default_rng(3).normal(0, 0.05, 3 * RATE).astype(np.float32)
    path = tmp_path / "two.wav"
    path.write_bytes(forge.wav(np.stack([speech(SECONDS), noise], axis=1), RATE))
    assert np.max(np.abs(decode_audio(path).samples - (speech(SECONDS) + noise) / 2)) < 1e-3


# --- work bounded by size: metadata floods ----------------------------------------------------------


def test_an_flv_metadata_flood_is_refused_before_ffmpeg_reads_it(tmp_path, media):
    path = tmp_path / "flood.flv"
    path.write_bytes(forge.flv_insert(media["flv"].read_bytes(), forge.flv_metadata_tag(40_000)))
    started = time.monotonic()
    plain_refusal(path, "metadata \\(FLV script data\\) is larger than 256 KB")
    assert time.monotonic() - started < 3


def test_too_many_metadata_entries_are_refused(tmp_path, media):
    path = tmp_path / "keys.flv"
    path.write_bytes(forge.flv_insert(media["flv"].read_bytes(), forge.flv_metadata_tag(5_000)))
    plain_refusal(path, "5001 metadata entries; at most 1024")


def test_an_id3_flood_is_refused_before_ffmpeg_reads_it(tmp_path, media):
    path = tmp_path / "flood.mp3"
    path.write_bytes(forge.txxx_flood(20_000) + media["mp3"].read_bytes())
    plain_refusal(path, "more than 1024 ID3 tag frames")


def test_an_ogg_comment_flood_is_found_from_its_count(tmp_path):
    path = tmp_path / "comments.ogg"
    path.write_bytes(b"OggS" + bytes(24) + forge.opus_tags(2_000))
    assert "more than 1024 comments" in prescan.metadata_problem(path)
    path.write_bytes(b"OggS" + bytes(24) + forge.opus_tags(20))
    assert prescan.metadata_problem(path) is None


def test_a_little_metadata_is_fine(tmp_path, media):
    path = tmp_path / "tags.flv"
    path.write_bytes(forge.flv_insert(media["flv"].read_bytes(), forge.flv_metadata_tag(50)))
    assert abs(decode_audio(path).duration_s - SECONDS) < 0.15


# --- fuzzing: whatever the bytes, an answer or a DecodeError, on time ----------------------------

FUZZ_DEADLINE_S = 10.0
FUZZ_SEEDS = ("mp3", "m4a", "ogg", "wav")


@pytest.fixture(scope="module")
def fuzz_seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    samples = speech(1.0)
    return {name: write_format(folder / f"seed.{name}", name, samples).read_bytes() for name in FUZZ_SEEDS}


def mutate(blob, kind, positions, values):
    blob = bytearray(blob)
    if kind == "truncate":
        return bytes(blob[: positions[0] % len(blob)])
    for position, value in zip(positions, values, strict=False):
        if kind == "flip":
            blob[position % len(blob)] ^= 1 << (value % 8)
        else:  # corrupt the header region, where parsers trust lengths
            blob[position % min(len(blob), 256)] = value
    return bytes(blob)


@settings(max_examples=30, deadline=FUZZ_DEADLINE_S * 1000 + 2000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    seed=st.sampled_from(FUZZ_SEEDS),
    kind=st.sampled_from(["flip", "truncate", "header"]),
    positions=st.lists(st.integers(0, 2**20), min_size=1, max_size=40),
    values=st.lists(st.integers(0, 255), min_size=40, max_size=40),
)
def test_mutated_media_decodes_or_fails_clearly(fuzz_seeds, seed, kind, positions, values):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"mutant.{seed}"
        path.write_bytes(mutate(fuzz_seeds[seed], kind, positions, values))
        started = time.monotonic()
        try:
            decoded = decode_audio(path, limits=DecodeLimits(deadline_s=FUZZ_DEADLINE_S, max_duration_s=60))
        except DecodeError as error:
            assert str(error) and not INTERNALS.search(str(error)), str(error)
        else:
            assert decoded.samples.dtype == np.float32 and np.all(np.isfinite(decoded.samples))
            assert decoded.duration_s <= 60
        assert time.monotonic() - started < FUZZ_DEADLINE_S + 1
