"""Encoding float audio to file bytes with PyAV (FFmpeg's encoders: libmp3lame, pcm_s16le, flac, libopus, aac).

`encode_audio` makes a whole file. `StreamEncoder` makes one file as it goes: each `push` returns the bytes the
encoder has written so far, and all the pieces joined are one valid file (a WAV stream then declares unknown
sizes, as streamed WAV does), so a listener can start before the end exists.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import av
import numpy as np

CONTAINERS = {  # fmt -> (muxer, encoder)
    "mp3": ("mp3", "libmp3lame"),
    "wav": ("wav", "pcm_s16le"),
    "flac": ("flac", "flac"),
    "opus": ("ogg", "libopus"),
    "aac": ("adts", "aac"),
}
OPUS_RATES = (8_000, 12_000, 16_000, 24_000, 48_000)
WAV_HEADER_BYTES = 44
UNKNOWN_SIZE = 0xFFFFFFFF
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
# A stream's muxer options: MP3 as bare frames; Ogg pages of at most 100 ms (its default, 1 s, holds audio back).
STREAM_OPTIONS = {"mp3": BARE_MP3_OPTIONS, "opus": {"page_duration": "100000"}}


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
        if fmt in ("mp3", "opus", "aac"):
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
    if fmt == "opus" and out_rate not in OPUS_RATES:
        raise ValueError(f"out_rate for opus must be one of {OPUS_RATES}; got {out_rate}")
    if fmt in ("mp3", "opus", "aac") and bitrate <= 0:
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


class _Sink(io.RawIOBase):
    """A write-only, unseekable file for PyAV: it keeps what was written until it is taken."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data) -> int:  # noqa: ANN001
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


class StreamEncoder:
    """One continuous encoding of mono float audio at `sample_rate`, handed out piece by piece."""

    def __init__(self, sample_rate: int, *, fmt: str = "mp3", bitrate: int = 128_000, out_rate: int | None = None,
                 channels: int = 1) -> None:
        self.sample_rate, self.fmt, self.channels = sample_rate, fmt, channels
        self.out_rate = out_rate or sample_rate
        _checked(np.zeros(0, np.float32), sample_rate, fmt=fmt, bitrate=bitrate, out_rate=self.out_rate,
                 channels=channels)
        self._header = _streamed_wav_header(self.out_rate, channels) if fmt == "wav" else b""
        self._container = None
        if fmt in CONTAINERS and fmt != "wav":
            self._sink = _Sink()
            options = {"flush_packets": "1", **STREAM_OPTIONS.get(fmt, {})}
            self._container = av.open(self._sink, "w", format=CONTAINERS[fmt][0], options=options)
            self._stream = self._container.add_stream(CONTAINERS[fmt][1], rate=self.out_rate, layout=LAYOUTS[channels])
            if fmt in ("mp3", "opus", "aac"):
                self._stream.bit_rate = bitrate
            self._container.start_encoding()
            self._resampler = av.AudioResampler(format=self._stream.format.name, layout=LAYOUTS[channels],
                                                rate=self.out_rate)

    def push(self, samples: np.ndarray) -> bytes:
        mono = _checked(samples, self.sample_rate, fmt=self.fmt, bitrate=1, out_rate=self.out_rate,
                        channels=self.channels)
        if self._container is None:   # raw PCM, or WAV's PCM after its header
            header, self._header = self._header, b""
            return header + _raw_pcm(mono, self.sample_rate, self.out_rate, self.channels)
        for start in range(0, mono.size, BLOCK_SAMPLES):
            block = np.repeat(mono[None, start:start + BLOCK_SAMPLES], self.channels, axis=0)
            frame = av.AudioFrame.from_ndarray(block, format=INPUT_FORMAT, layout=LAYOUTS[self.channels])
            frame.sample_rate = self.sample_rate
            for resampled in self._resampler.resample(frame):
                self._container.mux(self._stream.encode(resampled))
        return self._sink.take()

    def close(self) -> bytes:
        if self._container is None:
            header, self._header = self._header, b""
            return header
        for resampled in self._resampler.resample(None):
            self._container.mux(self._stream.encode(resampled))
        self._container.mux(self._stream.encode(None))
        self._container.close()
        self._container = None
        return self._sink.take()


def _streamed_wav_header(rate: int, channels: int) -> bytes:
    """A 16-bit PCM WAV header whose sizes say "unknown" (the stream's length is not known when it starts)."""
    block = channels * 2
    return (b"RIFF" + UNKNOWN_SIZE.to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
            + (1).to_bytes(2, "little") + channels.to_bytes(2, "little") + rate.to_bytes(4, "little")
            + (rate * block).to_bytes(4, "little") + block.to_bytes(2, "little") + (16).to_bytes(2, "little")
            + b"data" + UNKNOWN_SIZE.to_bytes(4, "little"))
