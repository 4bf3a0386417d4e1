"""The decoding child: `python -m soundclone.media.decode_child`, one JSON request on stdin.

It opens one local file with FFmpeg restricted to whitelisted demuxers and the `file` protocol,
checks the limits from the probe, decodes the first audio stream to mono float32 at the asked
rate, saves it as .npy and prints one JSON line: {"container": ...} or {"error": "..."}.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Iterable, Iterator

import av
import numpy as np
from av.audio.stream import AudioStream
from av.container import InputContainer

from soundclone.media.decode import ALLOWED_EXTENSIONS, DEMUXER_WHITELIST

PROTOCOL_WHITELIST = "file"
SUPPORTED = ", ".join(ALLOWED_EXTENSIONS)
# Demuxers whose duration is often an estimate from the bitrate, so a short decode proves nothing.
ESTIMATED_DURATION_DEMUXERS = ("mp3", "aac")
TRUNCATION_SLACK_S = 0.5
TRUNCATION_SLACK_RATIO = 0.05
MAX_BAD_PACKETS = 20
OUTPUT_FORMAT = "fltp"
DETAIL_CHARS = 160


class Refused(Exception):  # noqa: N818  (a refusal, not a failure)
    """The file breaks a rule; the message says which, for the user."""


def main() -> None:
    request = json.loads(sys.stdin.read())
    _limit_resources(request["memory_bytes"])
    print(json.dumps(decode_request(request)))


def decode_request(request: dict) -> dict:
    try:
        container = _open(request["path"])
    except Refused as refusal:
        return {"error": str(refusal)}
    with container:
        try:
            samples = _decode_checked(container, request["rate"], request["limits"])
        except Refused as refusal:
            return {"error": str(refusal)}
        except MemoryError:
            return {"error": "decoding the file needed more memory than allowed; it is damaged or too large"}
        except (av.FFmpegError, ValueError) as error:
            return {"error": f"the file is damaged and could not be decoded ({_detail(error)})"}
        name = container.format.name
    np.save(request["out"], samples)
    return {"container": name}


def _limit_resources(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _open(path: str) -> InputContainer:
    options = {"protocol_whitelist": PROTOCOL_WHITELIST, "format_whitelist": ",".join(DEMUXER_WHITELIST)}
    try:
        container = av.open(path, "r", container_options=options)
    except (av.error.InvalidDataError, av.error.EOFError):
        raise Refused(
            f"the file is not a recognisable audio or video file: it is damaged, incomplete, or not one of {SUPPORTED}"
        ) from None
    except (av.error.ArgumentError, av.error.PermissionError, av.error.ProtocolNotFoundError):
        raise Refused(
            f"the file's format is not accepted: send one of {SUPPORTED} (playlists and file lists are refused)"
        ) from None
    except (av.FFmpegError, OSError, ValueError) as error:
        raise Refused(f"the file could not be opened as audio or video ({_detail(error)})") from None
    if container.format.name not in DEMUXER_WHITELIST:  # FFmpeg checked already; this guards a build that did not
        container.close()
        raise Refused(f"the file is a {container.format.name} file, which is not accepted; send one of {SUPPORTED}")
    return container


def _decode_checked(container: InputContainer, rate: int, limits: dict) -> np.ndarray:
    if not container.streams.audio:
        raise Refused("the file has no audio track")
    stream = container.streams.audio[0]
    declared = _declared_duration(stream, container)
    _check_probe(stream, declared, limits)
    samples = _decode(container, stream, rate, limits)
    if samples.size == 0:
        raise Refused("no audio could be decoded from the file; it is damaged or empty")
    _check_complete(samples.size / rate, declared, container.format.name)
    return samples


def _check_probe(stream: AudioStream, declared: float | None, limits: dict) -> None:
    context = stream.codec_context
    _check_shape(context.channels, context.sample_rate, limits)
    if declared is not None and declared > limits["max_duration_s"]:
        raise Refused(f"the recording lasts {declared:.0f} s; at most {limits['max_duration_s']:g} s is accepted")


def _check_shape(channels: int, sample_rate: int, limits: dict) -> None:
    if channels > limits["max_channels"]:
        raise Refused(f"the audio has {channels} channels; at most {limits['max_channels']} are accepted")
    if sample_rate > limits["max_sample_rate"]:
        raise Refused(f"the audio sample rate is {sample_rate} Hz; at most {limits['max_sample_rate']} Hz is accepted")


def _declared_duration(stream: AudioStream, container: InputContainer) -> float | None:
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _decode(container: InputContainer, stream: AudioStream, rate: int, limits: dict) -> np.ndarray:
    most = int(limits["max_duration_s"] * rate)
    chunks, total = [], 0
    for frame in _resampled(_frames(container, stream, limits), rate):
        chunk = frame.to_ndarray().mean(axis=0, dtype=np.float32)  # planar (channels, n): the mean is the downmix
        total += chunk.size
        if total > most:
            raise Refused(f"the recording lasts more than {limits['max_duration_s']:g} s; that is the limit")
        chunks.append(chunk)
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def _frames(container: InputContainer, stream: AudioStream, limits: dict) -> Iterator[av.AudioFrame]:
    """Decoded frames of one stream; a few undecodable packets are skipped, a demuxing error ends the stream."""
    bad = 0
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
            _check_shape(len(frame.layout.channels), frame.sample_rate, limits)
            yield frame


def _resampled(frames: Iterable[av.AudioFrame], rate: int) -> Iterator[av.AudioFrame]:
    """Planar float frames at `rate` with the input's own channels (FFmpeg's downmix would add +3 dB to stereo).

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


def _detail(error: Exception) -> str:
    """FFmpeg's reason, without the file name it appends (a server path means nothing to the user)."""
    return (getattr(error, "strerror", None) or str(error))[:DETAIL_CHARS]


if __name__ == "__main__":
    main()
