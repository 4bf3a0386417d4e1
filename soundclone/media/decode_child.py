"""The decoding child: `python -m soundclone.media.decode_child`, one JSON request on stdin.

It opens one local file with FFmpeg restricted to whitelisted demuxers, decoders and the `file` protocol,
under CPU and memory limits, checks the limits from the probe, decodes the first audio stream to mono
float32 at the asked rate, saves it as .npy and prints one JSON line: {"container": ...} or
{"error": "...", "detail": "..."}. The error is a sentence for the user; the detail is for the server's log.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import traceback
from collections.abc import Iterable, Iterator

import av
import numpy as np
from av.audio.stream import AudioStream
from av.container import InputContainer

from soundclone.media.decode import ALLOWED_EXTENSIONS, DEMUXER_WHITELIST, UNDECODABLE, flush_denormals, sample_problem
from soundclone.media.prescan import MAX_METADATA_ENTRIES, metadata_problem

PROTOCOL_WHITELIST = "file"
SUPPORTED = ", ".join(ALLOWED_EXTENSIONS)
# The decoders for the audio these containers carry in practice. The other two hundred (rarely used, rarely
# fuzzed) never see a byte; the probe opens only these, so it decodes no video either.
AUDIO_DECODERS = (
    "aac", "aac_latm", "ac3", "eac3", "alac", "flac", "mp2", "mp2float", "mp3", "mp3float", "opus", "libopus",
    "vorbis", "amrnb", "amrwb", "dca", "adpcm_ms", "adpcm_ima_wav", "adpcm_ima_qt", "adpcm_swf", "nellymoser",
    "speex", "gsm_ms", "pcm_alaw", "pcm_mulaw", "pcm_s8", "pcm_u8", "pcm_s16le", "pcm_s16be", "pcm_s24le",
    "pcm_s24be", "pcm_s32le", "pcm_s32be", "pcm_f32le", "pcm_f32be", "pcm_f64le", "pcm_f64be",
)
FLOAT_PCM_DECODERS = ("pcm_f32le", "pcm_f32be", "pcm_f64le", "pcm_f64be")
CODECS_NAMED = "mp3, AAC, Opus, Vorbis, FLAC, ALAC, AC-3 or PCM"
MAX_STREAMS = 32           # tracks of any kind; each costs probing
# FFmpeg's own defaults, stated: bytes and microseconds of the file read to find its streams.
PROBE_BYTES = 5_000_000
PROBE_DURATION_US = 5_000_000
# Demuxers whose duration is often an estimate from the bitrate, so a short decode proves nothing.
ESTIMATED_DURATION_DEMUXERS = ("mp3", "aac")
TRUNCATION_SLACK_S = 0.5
TRUNCATION_SLACK_RATIO = 0.05
MAX_BAD_PACKETS = 20
# Packed, not planar: PyAV counts the planes of an 8-channel planar frame as 9 and reads past the last.
OUTPUT_FORMAT = "flt"
# A downmix that keeps less than this share of the power unrelated channels would give has cancelled the
# signal (channels in opposite phase); the loudest single channel is used instead.
CANCELLED_DOWNMIX_RATIO = 0.5
DETAIL_CHARS = 4000
FFMPEG_NAME = re.compile(r"[a-z0-9_]{1,32}")


class Refused(Exception):  # noqa: N818  (a refusal, not a failure)
    """The file breaks a rule; the message says which, for the user; the detail is for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def main() -> None:
    request = json.loads(sys.stdin.read())
    _limit_resources(request)
    print(json.dumps(decode_request(request)))


def decode_request(request: dict) -> dict:
    """Never raises: whatever FFmpeg or PyAV do with hostile bytes becomes a reply."""
    try:
        return _decode_to_file(request)
    except Refused as refusal:
        return {"error": str(refusal), "detail": refusal.detail}
    except MemoryError:
        return {"error": "decoding the file needed more memory than allowed; it is damaged or too large",
                "detail": "MemoryError"}
    except av.FFmpegError as error:
        return {"error": "the file is damaged and could not be decoded", "detail": _describe(error)}
    except Exception as error:  # noqa: BLE001  PyAV raises many kinds on damaged files; none may reach the user raw
        return {"error": UNDECODABLE, "detail": _traceback(error)}


def _decode_to_file(request: dict) -> dict:
    problem = metadata_problem(request["path"])
    if problem is not None:
        raise Refused(problem)
    with _open(request["path"]) as container:
        _allow_decoding_time(request)
        samples = _decode_checked(container, request["rate"], request["limits"])
        name = container.format.name
    np.save(request["out"], samples)
    return {"container": name}


def _limit_resources(request: dict) -> None:
    memory, cpu = request["memory_bytes"], request["cpu"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Past the soft limit the kernel sends SIGXCPU (which ends this process), past the hard one SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu["open_s"], cpu["total_s"] + 1))


def _allow_decoding_time(request: dict) -> None:
    total = request["cpu"]["total_s"]
    resource.setrlimit(resource.RLIMIT_CPU, (total, total + 1))


def _open(path: str) -> InputContainer:
    options = {
        "protocol_whitelist": PROTOCOL_WHITELIST, "format_whitelist": ",".join(DEMUXER_WHITELIST),
        "codec_whitelist": ",".join(AUDIO_DECODERS), "max_streams": str(MAX_STREAMS + 1),
        "probesize": str(PROBE_BYTES), "analyzeduration": str(PROBE_DURATION_US),
    }
    try:
        container = av.open(path, "r", container_options=options, metadata_errors="replace")
    except (av.error.InvalidDataError, av.error.EOFError) as error:
        raise Refused(
            f"the file is not a recognisable audio or video file: it is damaged, incomplete, or not one of {SUPPORTED}",
            _describe(error),
        ) from None
    except (av.error.ArgumentError, av.error.PermissionError, av.error.ProtocolNotFoundError) as error:
        raise Refused(
            f"the file's format is not accepted: send one of {SUPPORTED} (playlists and file lists are refused)",
            _describe(error),
        ) from None
    except (av.FFmpegError, OSError, ValueError, MemoryError) as error:
        raise Refused(f"the file could not be opened as audio or video; it is damaged or not one of {SUPPORTED}",
                      _describe(error)) from None
    if container.format.name not in DEMUXER_WHITELIST:  # FFmpeg checked already; this guards a build that did not
        name = container.format.name
        container.close()
        raise Refused(f"the file's format is not accepted; send one of {SUPPORTED}", f"demuxer {name}")
    return container


def _decode_checked(container: InputContainer, rate: int, limits: dict) -> np.ndarray:
    _check_structure(container)
    stream = _audio_stream(container)
    declared = _declared_duration(stream, container)
    _check_probe(stream, declared, limits)
    samples = _decode(container, stream, rate, limits)
    if samples.size == 0:
        raise Refused("no audio could be decoded from the file; it is damaged or empty")
    _check_complete(samples.size / rate, declared, container.format.name)
    return samples


def _check_structure(container: InputContainer) -> None:
    if len(container.streams) > MAX_STREAMS:  # FFmpeg stops adding streams one past the limit
        raise Refused(f"the file has more than {MAX_STREAMS} tracks; at most {MAX_STREAMS} are accepted")
    entries = len(container.metadata) + sum(len(stream.metadata) for stream in container.streams)
    if entries > MAX_METADATA_ENTRIES:
        raise Refused(f"the file carries {entries} metadata entries; at most {MAX_METADATA_ENTRIES} are accepted")


def _audio_stream(container: InputContainer) -> AudioStream:
    if not container.streams.audio:
        raise Refused("the file has no audio track")
    stream = container.streams.audio[0]
    context = stream.codec_context
    if context is None or context.codec.name not in AUDIO_DECODERS:
        raise Refused(f"the file's audio is in {_codec_phrase(stream)}, which is not accepted; "
                      f"send {CODECS_NAMED} audio")
    return stream


def _codec_phrase(stream: AudioStream) -> str:
    context = stream.codec_context
    name = context.codec.name if context is not None else ""
    return f"the {name} codec" if FFMPEG_NAME.fullmatch(name) else "an unknown codec"


def _check_probe(stream: AudioStream, declared: float | None, limits: dict) -> None:
    context = stream.codec_context
    _check_shape(context.channels, context.sample_rate, limits)
    if declared is not None and declared > limits["max_duration_s"]:
        raise Refused(f"the recording lasts {declared:.0f} s; at most {limits['max_duration_s']:g} s is accepted")


def _check_shape(channels: int, sample_rate: int, limits: dict) -> None:
    if not channels or channels < 0:
        raise Refused("the audio declares no channels; the file is damaged")
    if not sample_rate or sample_rate < 0:
        raise Refused("the audio declares no sample rate; the file is damaged")
    if channels > limits["max_channels"]:
        raise Refused(f"the audio has {channels} channels; at most {limits['max_channels']} are accepted")
    if sample_rate > limits["max_sample_rate"]:
        raise Refused(f"the audio sample rate is {sample_rate} Hz; at most {limits['max_sample_rate']} Hz is accepted")
    if sample_rate < limits["min_sample_rate"]:
        raise Refused(f"the audio sample rate is {sample_rate} Hz; at least {limits['min_sample_rate']} Hz is needed")


def _declared_duration(stream: AudioStream, container: InputContainer) -> float | None:
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _decode(container: InputContainer, stream: AudioStream, rate: int, limits: dict) -> np.ndarray:
    """Mono samples, one run of constant channel layout at a time (a layout may change midway)."""
    most = int(limits["max_duration_s"] * rate)
    runs: list[list[np.ndarray]] = []
    total = 0
    for frame in _resampled(_frames(container, stream, limits), rate):
        chunk = frame.to_ndarray().reshape(-1, frame.layout.nb_channels)  # packed: (samples, channels)
        _check_values(chunk, denormals_allowed=True)
        flush_denormals(chunk)
        total += chunk.shape[0]
        if total > most:
            raise Refused(f"the recording lasts more than {limits['max_duration_s']:g} s; that is the limit")
        if not runs or runs[-1][-1].shape[1] != chunk.shape[1]:
            runs.append([])
        runs[-1].append(chunk)
    return np.concatenate([_mono(run) for run in runs]) if runs else np.zeros(0, np.float32)


def _check_values(samples: np.ndarray, *, denormals_allowed: bool) -> None:
    problem = sample_problem(samples, denormals_allowed=denormals_allowed)
    if problem is not None:
        raise Refused(problem)


def _mono(chunks: list[np.ndarray]) -> np.ndarray:
    """The mean of the channels, unless they cancel out in it; then the loudest channel.

    With C channels the mean of unrelated signals keeps 1/C of their average power (and all of it when
    they are the same signal); channels in opposite phase leave almost nothing.
    """
    channels = chunks[0].shape[1]
    if channels == 1:
        return np.concatenate([chunk[:, 0] for chunk in chunks])
    downmix = [chunk.mean(axis=1, dtype=np.float32) for chunk in chunks]
    kept = sum(float(np.dot(part, part)) for part in downmix)
    power = sum(np.einsum("ij,ij->j", chunk, chunk, dtype=np.float64) for chunk in chunks)
    if kept * channels >= CANCELLED_DOWNMIX_RATIO * float(power.mean()):
        return np.concatenate(downmix)
    loudest = int(np.argmax(power))
    return np.concatenate([chunk[:, loudest] for chunk in chunks])


def _frames(container: InputContainer, stream: AudioStream, limits: dict) -> Iterator[av.AudioFrame]:
    """Decoded frames of one stream; a few undecodable packets are skipped, a demuxing error ends the stream."""
    bad = 0
    raw_floats = stream.codec_context.codec.name in FLOAT_PCM_DECODERS
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.FFmpegError:
            return  # a cut or damaged tail; _check_complete judges what is left
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            bad += 1
            if bad > MAX_BAD_PACKETS:
                raise Refused("the file is damaged: too many audio packets could not be decoded") from None
            continue
        for frame in frames:
            _check_shape(frame.layout.nb_channels, frame.sample_rate, limits)
            if raw_floats and not frame.format.is_planar:  # the file's own values, before any filtering
                _check_values(frame.to_ndarray(), denormals_allowed=False)
            yield frame


def _resampled(frames: Iterable[av.AudioFrame], rate: int) -> Iterator[av.AudioFrame]:
    """Packed float frames at `rate` with the input's own channels (FFmpeg's downmix would add +3 dB to stereo).

    A new resampler starts whenever the input's format changes midway.
    """
    resampler, shape = None, None
    for frame in frames:
        frame_shape = (frame.format.name, frame.layout.name, frame.sample_rate)
        if frame_shape != shape:
            if resampler is not None:
                yield from resampler.resample(None)
            resampler, shape = av.AudioResampler(format=OUTPUT_FORMAT, layout=frame.layout, rate=rate), frame_shape
        frame.pts = None  # damaged timestamps must not upset the resampler
        yield from resampler.resample(frame)
    if resampler is not None:
        yield from resampler.resample(None)


def _check_complete(decoded_s: float, declared_s: float | None, demuxer: str) -> None:
    if declared_s is None or demuxer in ESTIMATED_DURATION_DEMUXERS:
        return
    if decoded_s + max(TRUNCATION_SLACK_S, TRUNCATION_SLACK_RATIO * declared_s) < declared_s:
        raise Refused(
            f"the file is truncated: it declares {declared_s:.1f} s of audio but only {decoded_s:.1f} s is there; "
            "send the complete file"
        )


def _describe(error: BaseException) -> str:
    """An expected library error in a line, for the server's log only."""
    return f"{type(error).__name__}: {error}"[:DETAIL_CHARS]


def _traceback(error: BaseException) -> str:
    """An unexpected error and where it came from, for the server's log only."""
    return "".join(traceback.format_exception(error))[-DETAIL_CHARS:]


if __name__ == "__main__":
    main()
