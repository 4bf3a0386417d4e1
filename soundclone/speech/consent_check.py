"""Whether a consent recording says its phrase: what the recogniser heard, against the phrase (domain/consent.py).

Both texts become units: letters without spaces or punctuation, or for Chinese tone-less pinyin syllables
(pypinyin), so that Whisper writing traditional characters for simplified ones, as it does, costs nothing.
"""

from __future__ import annotations

from soundclone.domain.consent import PhraseCheck, check_phrase, phrase_parts
from soundclone.domain.text import normalize_for_comparison

def units(text: str, language: str) -> list[str]:
    normalized = normalize_for_comparison(text)
    if language == "zh":
        from pypinyin import lazy_pinyin

        # a Chinese character becomes its syllable; anything else (a name in Latin letters) its letters
        return [unit for unit in lazy_pinyin(normalized, errors=lambda run: list(run)) if unit.strip()]
    return list(normalized.replace(" ", ""))


def heard_the_phrase(transcript: str, language: str) -> PhraseCheck:
    before, after = phrase_parts(language)
    return check_phrase(units(transcript, language), units(before, language), units(after, language))
