"""`auto`: which of our languages a text is in (lingua, restricted to the languages we speak)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FALLBACK = "en"
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CANTONESE_MARKERS = re.compile(r"[嘅咗喺唔冇啲嚟噉嗰乜嘢佢哋]")
# lingua Language member -> our code (Cantonese is found by its own characters, Filipino as Tagalog).
LINGUA_CODES = {
    "ARABIC": "ar", "RUSSIAN": "ru", "SPANISH": "es", "FRENCH": "fr", "PORTUGUESE": "pt", "GERMAN": "de",
    "TURKISH": "tr", "DUTCH": "nl", "UKRAINIAN": "uk", "VIETNAMESE": "vi", "INDONESIAN": "id", "ITALIAN": "it",
    "KOREAN": "ko", "THAI": "th", "POLISH": "pl", "ROMANIAN": "ro", "GREEK": "el", "CZECH": "cs", "FINNISH": "fi",
    "HINDI": "hi", "BULGARIAN": "bg", "DANISH": "da", "HEBREW": "he", "MALAY": "ms", "PERSIAN": "fa",
    "SLOVAK": "sk", "SWEDISH": "sv", "CROATIAN": "hr", "TAGALOG": "fil", "HUNGARIAN": "hu", "BOKMAL": "nb",
    "NYNORSK": "nn", "SLOVENE": "sl", "CATALAN": "ca", "TAMIL": "ta", "AFRIKAANS": "af", "ENGLISH": "en",
    "CHINESE": "zh", "JAPANESE": "ja",
}


@dataclass
class LanguageDetector:
    _detector: object | None = field(default=None, repr=False)

    def detect(self, text: str) -> str:
        if _KANA.search(text):
            return "ja"
        if _HAN.search(text):
            return "yue" if _CANTONESE_MARKERS.search(text) else "zh"
        language = self._lingua().detect_language_of(text)
        return LINGUA_CODES.get(language.name, FALLBACK) if language is not None else FALLBACK

    def _lingua(self):  # noqa: ANN202
        if self._detector is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = [getattr(Language, name) for name in LINGUA_CODES if hasattr(Language, name)]
            self._detector = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
        return self._detector
