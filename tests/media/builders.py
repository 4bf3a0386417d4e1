"""Media files for tests, made with PyAV from real speech or a tone."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import soundfile

from tests.conftest import REFERENCE_WAV, SPEECH_DIR

RATE = 16_000
VIDEO_FPS = 10
VIDEO_SIZE = 32
BLOCK = 1024

# name -> (muxer, audio codec, with video, audio rate)
FORMATS = {
    "mp3": ("mp3", "libmp3lame", False, RATE),
    "ogg": ("ogg", "libopus", False, RATE),
    "wav": ("wav", "pcm_s16le", False, RATE),
    "m4a": ("ipod", "aac", False, RATE),
    "aac": ("adts", "aac", False, RATE),
    "mp4": ("mp4", "aac", True, RATE),
    "mkv": ("matroska", "libmp3lame", True, 22_050),
    "avi": ("avi", "libmp3lame", True, 22_050),
    "mov": ("mov", "pcm_s16le", True, RATE),
    "flv": ("flv", "aac", True, 44_100),  # FLV carries the 44.1 kHz family only
}


def speech(seconds: float = 3.0) -> np.ndarray:
    """The first seconds of the LibriVox reference (16 kHz mono float32)."""
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32", frames=int(seconds * RATE))
    assert rate == RATE
    return samples


def speech_clips() -> list[Path]:
    return sorted((SPEECH_DIR / "librivox").glob("*.wav"))


def tone(seconds: float = 2.0, rate: int = RATE, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def write_media(
    path: Path, samples: np.ndarray | None, *, muxer: str, codec: str = "aac", rate: int = RATE,
    video: bool = False, channels: int = 1, extra_tracks: list[np.ndarray] | None = None,
    video_seconds: float = 1.0, source_rate: int = RATE,
) -> Path:
    """Write `samples` (mono float at `source_rate`) as `codec` in `muxer`; optionally a video track first."""
    with av.open(str(path), "w", format=muxer) as out:
        vstream = _add_video(out, muxer) if video else None
        tracks = ([samples] if samples is not None else []) + (extra_tracks or [])
        streams = [out.add_stream(codec, rate=rate, layout="stereo" if channels == 2 else "mono") for _ in tracks]
        if vstream is not None:
            _write_video(out, vstream, video_seconds if samples is None else len(samples) / source_rate)
        for stream, track in zip(streams, tracks, strict=True):
            _write_audio(out, stream, track, source_rate)
    return path


def _add_video(out, muxer: str):  # noqa: ANN001, ANN202
    stream = out.add_stream("flv" if muxer == "flv" else "mpeg4", rate=VIDEO_FPS)
    stream.width = stream.height = VIDEO_SIZE
    stream.pix_fmt = "yuv420p"
    return stream


def _write_video(out, stream, seconds: float) -> None:  # noqa: ANN001
    for i in range(max(1, int(seconds * VIDEO_FPS))):
        image = np.full((VIDEO_SIZE, VIDEO_SIZE, 3), i % 255, np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def _write_audio(out, stream, samples: np.ndarray, source_rate: int) -> None:  # noqa: ANN001
    resampler = av.AudioResampler(format=stream.format.name, layout=stream.layout.name, rate=stream.rate)
    for start in range(0, len(samples), BLOCK):
        frame = av.AudioFrame.from_ndarray(samples[start:start + BLOCK].reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = source_rate
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                out.mux(packet)
    for resampled in resampler.resample(None):
        for packet in stream.encode(resampled):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def write_format(path: Path, name: str, samples: np.ndarray) -> Path:
    muxer, codec, video, rate = FORMATS[name]
    return write_media(path, samples, muxer=muxer, codec=codec, rate=rate, video=video)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE, channels: int = 1) -> Path:
    data = np.repeat(samples[:, None], channels, axis=1) if channels > 1 else samples
    soundfile.write(path, data, rate, subtype="PCM_16")
    return path


def decoded_mono(data: bytes) -> tuple[np.ndarray, int]:
    """An encoded file (trusted test output) decoded to mono float32 at its own sample rate."""
    resampler = av.AudioResampler(format="flt", layout="mono")
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        pieces = [out.to_ndarray().reshape(-1) for frame in container.decode(stream)
                  for out in resampler.resample(frame)]
        return np.concatenate(pieces), stream.codec_context.sample_rate
