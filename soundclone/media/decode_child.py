"""Runs in a child process: open one local file with a named demuxer, check limits, decode to mono float.

Prints one JSON line: {"ok": true} or {"error": "..."}; samples go to the .npy path it was given.
"""

from __future__ import annotations

import json
import sys

import av
import numpy as np

OPEN_OPTIONS = {"protocol_whitelist": "file"}
PROBE_TIMEOUT_S = 20


class Refused(Exception):
    pass


def main(request: dict) -> dict:
    limits = request["limits"]
    try:
        container = av.open(request["path"], format=request["container"], options=OPEN_OPTIONS, timeout=PROBE_TIMEOUT_S)
    except (av.FFmpegError, OSError, ValueError) as error:
        return {"error": f"the file could not be opened as {request['container']}: it is damaged or not media ({_short(error)})"}
    with container:
        if not container.streams.audio:
            return {"error": "the file has no audio track"}
        stream = container.streams.audio[0]
        try:
            _check_probe(stream, container, limits)
            samples = _decode(container, stream, request["rate"], limits)
        except Refused as refusal:
            return {"error": str(refusal)}
        except (av.FFmpegError, ValueError) as error:
            return {"error": f"the file is damaged and could not be decoded ({_short(error)})"}
    if samples.size == 0:
        return {"error": "no audio could be decoded from the file"}
    np.save(request["out"], samples)
    return {"ok": True}


def _check_probe(stream, container, limits: dict) -> None:  # noqa: ANN001
    channels = stream.codec_context.channels
    rate = stream.codec_context.sample_rate or stream.rate or 0
    if channels > limits["max_channels"]:
        raise Refused(f"the audio has {channels} channels; at most {limits['max_channels']} are accepted")
    if rate > limits["max_sample_rate"]:
        raise Refused(f"the audio sample rate is {rate} Hz; at most {limits['max_sample_rate']} Hz is accepted")
    duration = _declared_duration(stream, container)
    if duration is not None and duration > limits["max_duration_s"]:
        raise Refused(f"the recording lasts {duration:.0f} s; at most {limits['max_duration_s']:g} s is accepted")


def _declared_duration(stream, container) -> float | None:  # noqa: ANN001
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _decode(container, stream, rate: int, limits: dict) -> np.ndarray:  # noqa: ANN001
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    max_samples = int(limits["max_duration_s"] * rate)
    chunks, total = [], 0
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
                total += chunks[-1].size
            if total > max_samples:
                raise Refused(f"the recording lasts more than {limits['max_duration_s']:g} s; that is the limit")
    except av.error.InvalidDataError:
        if not chunks:
            raise
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def _short(error: Exception) -> str:
    return str(error)[:160]


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
