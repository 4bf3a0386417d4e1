"""eSpeak NG's IPA in the spelling Kokoro was trained on, and phoneme strings to Kokoro token ids.

Kokoro-82M learned its non-English languages from eSpeak NG output rewritten by misaki (its authors'
G2P): affricates and diphthongs that eSpeak marks with a tie bar became single symbols (t͡ʃ -> ʧ,
t͡s -> ʦ, a͡ɪ -> I, e͡ɪ -> A ...), and its American English came from misaki's lexicon, whose spelling
differs again (ɹ for r, no length marks, the flap as T, ə for ɐ). Fed raw eSpeak IPA, the model hears
t followed by ʃ, a sequence it rarely saw, and slurs it; `kokoro_phonemes` rewrites eSpeak's IPA
(phonemized with tie bars, see speech/frontend.py) into that spelling. The correspondences are facts
about the training data, listed by misaki's espeak module (EspeakG2P, EspeakFallback).

Kokoro's 114-symbol vocabulary was built for the languages it was trained on. eSpeak NG writes other
languages with IPA symbols outside it (Russian's dark ɭ, Polish ʑ, Arabic ʕ and ħ, Swedish ʉ...). A symbol the model has no token for used to be dropped, so the sound
vanished; each is now spoken as its nearest symbol in the vocabulary (same place or manner of
articulation, or the same vowel height and rounding). Diacritics that only refine a sound (dental,
syllabic, non-syllabic, pharyngealized) are dropped, the base sound stays.

Tone digits become the four Mandarin tone arrows Kokoro knows (→ high level, ↗ rising, ↘ falling,
↓ low), by the contour of each language's tone (TONES): an approximation, but a tone the model renders
beats none.
"""

from __future__ import annotations

import re

TIE = "\u0361"
# Tied pairs, as misaki's EspeakG2P spells them for every eSpeak language.
TIED = {
    "a͡ɪ": "I", "a͡ʊ": "W", "d͡z": "ʣ", "d͡ʒ": "ʤ", "e͡ɪ": "A", "o͡ʊ": "O", "ə͡ʊ": "Q", "s͡s": "S",
    "t͡s": "ʦ", "t͡ʃ": "ʧ", "ɔ͡ɪ": "Y",
}
# American English as misaki's lexicon spells it (its eSpeak fallback's rules; the longest match first).
ENGLISH = {
    "ə͡l": "ᵊl", "ʲo": "jo", "ʲə": "jə", "ʲ": "", "ɚ": "əɹ", "r": "ɹ", "x": "k", "ç": "k", "ɐ": "ə",
    "ɬ": "l", "\u0303": "", "e": "A", "ɜːɹ": "ɜɹ", "ɜː": "ɜɹ", "ɪə": "iə", "ː": "", "ɾ": "T", "ʔ": "t",
}
ENGLISH_BY_LENGTH = sorted(ENGLISH.items(), key=lambda pair: -len(pair[0]))
ENGLISH_LANGUAGES = ("en",)
# Tones eSpeak NG writes as digits (and ɜ) after the nucleus, as the Mandarin arrows Kokoro knows by contour:
# → high level, ↗ rising, ↘ falling, ↓ low. Cantonese (the frontend turns its tone-3 ɜ into 3): 1 high level,
# 2 high rising, 3 mid level, 4 low falling, 5 low rising, 6 low level. Vietnamese: ngang unmarked, 2 huyền
# (low falling), ɜ sắc (high rising), 4 hỏi (dipping), 5 ngã (broken rising), 6 nặng (low, glottalized).
TONES = {
    "yue": str.maketrans({"1": "→", "2": "↗", "3": "→", "4": "↓", "5": "↗", "6": "↓"}),
    "vi": str.maketrans({"2": "↘", "ɜ": "↗", "4": "↓", "5": "↗", "6": "↓"}),
}
SYLLABIC = re.compile("(\\S)\u0329")   # a syllabic consonant: n̩ -> ᵊn


# eSpeak NG writes Danish stød as a glottal stop (or a "?") tied to the vowel it creaks, "sˈʔ͡ykləðə": spoken
# as a full stop in the middle of the word it breaks the word, so the mark is dropped and the vowel kept.
STOD = ("ʔ" + TIE, "?" + TIE)


def kokoro_phonemes(phonemes: str, language: str) -> str:
    """eSpeak NG IPA (with tie bars) in Kokoro's training spelling for `language`."""
    for mark in STOD:
        phonemes = phonemes.replace(mark, "")
    for old, new in TIED.items():
        phonemes = phonemes.replace(old, new)
    if language in ENGLISH_LANGUAGES:
        for old, new in ENGLISH_BY_LENGTH:
            phonemes = phonemes.replace(old, new)
        phonemes = SYLLABIC.sub(r"ᵊ\1", phonemes)
    if language in TONES:
        phonemes = phonemes.translate(TONES[language])
    return phonemes.replace(TIE, "")


SUBSTITUTES: dict[str, str] = {
    # laterals
    "ɫ": "l", "ɭ": "l", "ɬ": "l", "ɮ": "l", "ɺ": "ɾ",
    # fricatives and approximants
    "ʑ": "ʒ", "ʐ": "ʒ", "ħ": "h", "ɦ": "h", "ʕ": "ʔ", "ʍ": "w", "ɧ": "ʃ", "ʜ": "h", "ʢ": "ʔ",
    # stops and nasals
    "ɗ": "d", "ɓ": "b", "ʄ": "ɟ", "ɠ": "ɡ", "ɢ": "ɡ", "ʡ": "ʔ", "ɱ": "m", "g": "ɡ",
    # trills
    "ʀ": "ʁ", "ʙ": "b",
    # vowels
    "ʉ": "u", "ɵ": "ø", "ɘ": "ə", "ɞ": "ə", "ʏ": "y", "ɶ": "œ", "ᵿ": "ʊ",
    # diacritics and marks that refine a sound already written
    "\u032a": "", "\u0329": "", "\u032f": "", "\u0361": "", "\u035c": "", "ˤ": "", "ʼ": "", "ˑ": "",
    "-": "",
    # tone digits of a language without its own table in TONES: spoken without the tone
    "1": "", "2": "", "3": "", "4": "", "5": "", "6": "",
}


def token_ids(phonemes: str, vocab: dict[str, int]) -> list[int]:
    """Token ids for a phoneme string; symbols with neither a token nor a substitute are left out."""
    ids = []
    for symbol in phonemes:
        if symbol in vocab:
            ids.append(vocab[symbol])
            continue
        ids.extend(vocab[s] for s in SUBSTITUTES.get(symbol, "") if s in vocab)
    return ids


def unknown_symbols(phonemes: str, vocab: dict[str, int]) -> set[str]:
    """Symbols of a phoneme string that will not be spoken (no token, no substitute)."""
    return {s for s in phonemes if s not in vocab and not SUBSTITUTES.get(s) and s not in SUBSTITUTES}
