"""Forced alignment of English speech to a known text: pocketsphinx's HMM aligner with the en-us acoustic
model and dictionary that ship inside its wheel (nothing fetched).

Whisper's word timestamps come from its cross-attention and lead the sound by tens of milliseconds; an
HMM aligner places each word where its phones are, so it is the reference for "where a word is heard".
"""

from __future__ import annotations

import numpy as np

from soundclone.evaluation.asr import Word, normalize

RATE = 16_000
FRAMES_PER_S = 100          # pocketsphinx's default frame rate
FILLERS = {"<s>", "</s>", "<sil>", "(NULL)", "[NOISE]"}


class UnknownWordError(ValueError):
    pass


def align_words(samples: np.ndarray, rate: int, text: str) -> list[Word]:
    """Start and end (seconds) of each word of `text` in the audio, in order; words must be in the en-us
    dictionary (UnknownWordError names those that are not)."""
    from pocketsphinx import Decoder

    from soundclone.speech.analysis import resample

    words = normalize(text).split()
    decoder = Decoder(samprate=RATE, bestpath=False, loglevel="ERROR")
    unknown = [w for w in words if decoder.lookup_word(w) is None]
    if unknown:
        raise UnknownWordError(f"not in the aligner's dictionary: {', '.join(sorted(set(unknown)))}")
    audio = resample(np.asarray(samples, np.float32), rate, RATE)
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
    decoder.set_align_text(" ".join(words))
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    return [Word(_base_word(s.word), s.start_frame / FRAMES_PER_S, (s.end_frame + 1) / FRAMES_PER_S)
            for s in decoder.seg() if s.word not in FILLERS]


def _base_word(word: str) -> str:
    """Dictionary variants are written `word(2)`."""
    return word.split("(", 1)[0]
