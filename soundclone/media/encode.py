"""Encoding float audio to file bytes with PyAV (FFmpeg's encoders: libmp3lame, flac, pcm)."""

from __future__ import annotations

import io

import av
import numpy as np

FORMATS = {  # fmt -> (container, codec)
    "mp3": ("mp3", "libmp3lame"),
    "wav": ("wav", "pcm_s16le"),
    "flac": ("flac", "flac"),
}
PCM = "pcm"
FRAME_SAMPLES = 1152


def encode_audio(
    samples: np.ndarray, sample_rate: int, *, fmt: str = "mp3", bitrate: int = 128_000,
    out_rate: int | None = None, channels: int = 1,
) -> bytes:
    if channels not in (1, 2):
        raise ValueError(f"channels must be 1 or 2; got {channels}")
    mono = np.clip(np.asarray(samples, np.float32), -1.0, 1.0)
    out_rate = out_rate or sample_rate
    if fmt == PCM:
        return _raw_pcm(mono, sample_rate, out_rate, channels)
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join([*FORMATS, PCM])}; got {fmt!r}")
    container_name, codec = FORMATS[fmt]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container_name) as container:
        stream = container.add_stream(codec, rate=out_rate, layout="stereo" if channels == 2 else "mono")
        if fmt == "mp3":
            stream.bit_rate = bitrate
        for frame in _frames(mono, sample_rate, out_rate, channels, stream.format.name):
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def _frames(mono: np.ndarray, rate: int, out_rate: int, channels: int, sample_format: str):  # noqa: ANN202
    layout = "stereo" if channels == 2 else "mono"
    resampler = av.AudioResampler(format=sample_format, layout=layout, rate=out_rate)
    for start in range(0, max(len(mono), 1), FRAME_SAMPLES):
        block = mono[start:start + FRAME_SAMPLES]
        if not len(block):
            break
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        yield from resampler.resample(frame)
    yield from resampler.resample(None)


def _raw_pcm(mono: np.ndarray, rate: int, out_rate: int, channels: int) -> bytes:
    chunks = [f.to_ndarray() for f in _frames(mono, rate, out_rate, channels, "s16")]
    if not chunks:
        return b""
    return np.concatenate([c.reshape(-1) for c in chunks]).astype("<i2").tobytes()
