"""Seed files for the fuzz: real speech encoded in every accepted container, made with PyAV."""

from __future__ import annotations

import functools
import tempfile
from fractions import Fraction
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from tests.fuzz_media import forge
from tests.media.builders import RATE, speech

SEED_SECONDS = 2.0
BLOCK = 1024
VIDEO_FPS = 10
VIDEO_SIZE = 32
BIT_EXACT = {"fflags": "+bitexact"}
LAYOUTS = {1: "mono", 2: "stereo", 3: "3.0", 4: "quad", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}


@dataclass(frozen=True)
class Recipe:
    extension: str
    muxer: str
    codec: str
    rate: int = RATE
    video: bool = False
    channels: int = 1
    options: tuple[tuple[str, str], ...] = ()


# one recipe per container and common codec; the names are the seeds' names
RECIPES = {
    "mp3": Recipe("mp3", "mp3", "libmp3lame"),
    "ogg-opus": Recipe("ogg", "ogg", "libopus"),
    "ogg-vorbis": Recipe("ogg", "ogg", "vorbis", 22_050, channels=2, options=(("strict", "experimental"),)),
    "m4a-aac": Recipe("m4a", "ipod", "aac"),
    "m4a-alac": Recipe("m4a", "ipod", "alac"),
    "mp4-aac": Recipe("mp4", "mp4", "aac", video=True),
    "mov-pcm": Recipe("mov", "mov", "pcm_s16le", video=True),
    "aac": Recipe("aac", "adts", "aac"),
    "mkv-mp3": Recipe("mkv", "matroska", "libmp3lame", 22_050, video=True),
    "mkv-flac": Recipe("mkv", "matroska", "flac"),
    "mkv-opus": Recipe("mkv", "matroska", "libopus", 48_000),
    "avi-mp3": Recipe("avi", "avi", "libmp3lame", 22_050, video=True),
    "avi-pcm": Recipe("avi", "avi", "pcm_s16le"),
    "flv-aac": Recipe("flv", "flv", "aac", 44_100, video=True),
    "flv-mp3": Recipe("flv", "flv", "libmp3lame", 22_050),
}


@functools.cache
def seed_speech(seconds: float = SEED_SECONDS) -> np.ndarray:
    return speech(seconds)


@functools.cache
def seeds() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, extension) for every recipe, plus hand-made WAVs (16-bit and float)."""
    samples = seed_speech()
    made = {name: (encode(np.repeat(samples[:, None], recipe.channels, axis=1), recipe), recipe.extension)
            for name, recipe in RECIPES.items()}
    made["wav-s16"] = (forge.wav(samples, RATE, bits=16), "wav")
    made["wav-f32"] = (forge.wav(samples, RATE, bits=32), "wav")
    return made


def encode(samples: np.ndarray, recipe: Recipe, *, tracks: int = 1) -> bytes:
    """`samples` ((n,) or (n, channels) float32 at RATE) encoded by `recipe`'s codec in its container,
    in `tracks` audio tracks; bit-exact, so the same call gives the same bytes (no random serials or UIDs).
    """
    frames = samples.reshape(len(samples), -1).astype(np.float32)
    with tempfile.TemporaryDirectory(prefix="fuzz-seed-") as folder:
        path = Path(folder) / f"seed.{recipe.extension}"
        with av.open(str(path), "w", format=recipe.muxer, container_options=BIT_EXACT) as out:
            video = _add_video(out, recipe.muxer) if recipe.video else None
            streams = [out.add_stream(recipe.codec, rate=recipe.rate, layout=LAYOUTS[frames.shape[1]],
                                      options=dict(recipe.options)) for _ in range(tracks)]
            if video is not None:
                _write_video(out, video, len(frames) / RATE)
            for stream in streams:
                _write_audio(out, stream, frames)
        return path.read_bytes()


def _add_video(out, muxer: str):  # noqa: ANN001, ANN202
    stream = out.add_stream("flv" if muxer == "flv" else "mpeg4", rate=VIDEO_FPS)
    stream.width = stream.height = VIDEO_SIZE
    stream.pix_fmt = "yuv420p"
    return stream


def _write_video(out, stream, seconds: float) -> None:  # noqa: ANN001
    for index in range(max(1, int(seconds * VIDEO_FPS))):
        image = np.full((VIDEO_SIZE, VIDEO_SIZE, 3), index % 255, np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def _write_audio(out, stream, frames: np.ndarray) -> None:  # noqa: ANN001
    layout = LAYOUTS[frames.shape[1]]
    resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=stream.rate)
    for start in range(0, len(frames), BLOCK):
        block = np.ascontiguousarray(frames[start:start + BLOCK]).reshape(1, -1)  # packed
        frame = av.AudioFrame.from_ndarray(block, format="flt", layout=layout)
        frame.sample_rate = RATE
        frame.pts, frame.time_base = start, Fraction(1, RATE)
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                out.mux(packet)
    for resampled in [*resampler.resample(None), None]:
        for packet in stream.encode(resampled):
            out.mux(packet)
