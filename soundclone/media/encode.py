"""Encoding float audio to file bytes with PyAV (FFmpeg's encoders: libmp3lame, pcm_s16le, flac)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import av
import numpy as np

CONTAINERS = {  # fmt -> (muxer, encoder)
    "mp3": ("mp3", "libmp3lame"),
    "wav": ("wav", "pcm_s16le"),
    "flac": ("flac", "flac"),
}
RAW_PCM = "pcm"  # headerless s16le, interleaved
FORMATS = (*CONTAINERS, RAW_PCM)
LAYOUTS = {1: "mono", 2: "stereo"}
MP3_RATES = (8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000)
MAX_RATE = 192_000
BLOCK_SAMPLES = 4_096
INPUT_FORMAT = "fltp"
PCM_FORMAT = "s16"
PCM_DTYPE = "<i2"
# MP3 frames with no ID3 tag and no Xing header: pieces encoded this way concatenate into one stream.
BARE_MP3_OPTIONS = {"id3v2_version": "0", "write_xing": "0"}


def encode_audio(
    samples: np.ndarray, sample_rate: int, *, fmt: str = "mp3", bitrate: int = 128_000,
    out_rate: int | None = None, channels: int = 1, bare: bool = False,
) -> bytes:
    """Mono float samples in [-1, 1] as `fmt` bytes at `out_rate` (default: `sample_rate`) with `channels`.

    `bare`: for streaming pieces, leave out container headers that would break concatenation (MP3's ID3/Xing).
    """
    out_rate = out_rate or sample_rate
    mono = _checked(samples, sample_rate, fmt=fmt, bitrate=bitrate, out_rate=out_rate, channels=channels)
    if fmt == RAW_PCM:
        return _raw_pcm(mono, sample_rate, out_rate, channels)
    muxer, encoder = CONTAINERS[fmt]
    buffer = io.BytesIO()
    options = BARE_MP3_OPTIONS if bare and fmt == "mp3" else {}
    with av.open(buffer, "w", format=muxer, options=options) as container:
        stream = container.add_stream(encoder, rate=out_rate, layout=LAYOUTS[channels])
        if fmt == "mp3":
            stream.bit_rate = bitrate
        container.start_encoding()  # writes the header even when there are no samples
        for frame in _frames(mono, sample_rate, out_rate, channels, stream.format.name):
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _checked(samples: np.ndarray, rate: int, *, fmt: str, bitrate: int, out_rate: int, channels: int) -> np.ndarray:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if channels not in LAYOUTS:
        raise ValueError(f"channels must be 1 or 2; got {channels!r}")
    for name, value in (("sample_rate", rate), ("out_rate", out_rate)):
        if not 0 < value <= MAX_RATE:
            raise ValueError(f"{name} must be 1..{MAX_RATE} Hz; got {value!r}")
    if fmt == "mp3" and out_rate not in MP3_RATES:
        raise ValueError(f"out_rate for mp3 must be one of {MP3_RATES}; got {out_rate}")
    if fmt == "mp3" and bitrate <= 0:
        raise ValueError(f"bitrate must be positive; got {bitrate!r}")
    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim != 1:
        raise ValueError(f"samples must be mono (1-D); got shape {mono.shape}")
    return np.clip(mono, -1.0, 1.0)


def _frames(mono: np.ndarray, rate: int, out_rate: int, channels: int, sample_format: str) -> Iterator[av.AudioFrame]:
    """The samples as frames in the encoder's sample format, layout and rate."""
    # the channels are copied here: FFmpeg's own mono-to-stereo upmix would lower the level by 3 dB
    resampler = av.AudioResampler(format=sample_format, layout=LAYOUTS[channels], rate=out_rate)
    for start in range(0, mono.size, BLOCK_SAMPLES):
        block = np.repeat(mono[None, start:start + BLOCK_SAMPLES], channels, axis=0)
        frame = av.AudioFrame.from_ndarray(block, format=INPUT_FORMAT, layout=LAYOUTS[channels])
        frame.sample_rate = rate
        yield from resampler.resample(frame)
    yield from resampler.resample(None)


def _raw_pcm(mono: np.ndarray, rate: int, out_rate: int, channels: int) -> bytes:
    # a packed s16 frame's ndarray is (1, samples * channels), already interleaved
    chunks = [frame.to_ndarray().reshape(-1) for frame in _frames(mono, rate, out_rate, channels, PCM_FORMAT)]
    return np.concatenate(chunks).astype(PCM_DTYPE).tobytes() if chunks else b""
