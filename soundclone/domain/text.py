"""Text rules shared by every dialect: pause markers, billable characters, sentence split.

Pure functions, no I/O. A pause marker is `<#x#>` where x is seconds in [0.01, 99.99] with at
most two decimals; anything that looks like a marker but is not a valid one is an error, never
spoken aloud.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PAUSE_MIN_S = 0.01
PAUSE_MAX_S = 99.99
MARKER_OPEN = "<#"
MARKER_CLOSE = "#>"
_VALID_MARKER = re.compile(r"<#(\d{1,2}(?:\.\d{1,2})?)#>")
_ANY_MARKER = re.compile(r"<#(.*?)#>", re.DOTALL)

# Sentence ends: CJK full stops always end a sentence; Latin ones when followed by space or end.
_CJK_ENDS = "。！？；…"
_LATIN_ENDS = ".!?;"
_SENTENCE_BOUNDARY = re.compile(
    rf"(?<=[{_CJK_ENDS}])|(?<=[{re.escape(_LATIN_ENDS)}])(?=\s)|\n+"
)
# Longest piece handed to an engine at once; longer sentences are cut at commas, then spaces.
MAX_SENTENCE_CHARS = 220
_SOFT_BREAKS = re.compile(r"(?<=[,，、:：])\s*")
_ABBREVIATIONS = ("mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "e.g.", "i.e.", "vs.", "etc.", "no.")
PARAGRAPH_PAUSE_S = 0.6   # a newline in a paragraph script
# ⟪word|phonemes⟫ in a text says how to pronounce a word (IPA), or with this prefix in pinyin with tone digits
# (⟪处理|py:chu3 li3⟫), which the Mandarin frontend converts.
PINYIN_PREFIX = "py:"
# Sound tags some models perform; for those that don't, they are taken out rather than read aloud.
INTERJECTIONS = ("laughs", "chuckle", "coughs", "clear-throat", "groans", "breath", "pant", "inhale", "exhale",
                 "gasps", "sniffs", "sighs", "snorts", "burps", "lip-smacking", "humming", "hissing", "emm",
                 "whistles", "sneezes", "crying", "applause")
_INTERJECTION = re.compile(r"\((" + "|".join(re.escape(t) for t in INTERJECTIONS) + r")\)")


class TextError(ValueError):
    """The text breaks a rule; `problem` says which, in words a user can act on."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Speech:
    text: str


@dataclass(frozen=True)
class Pause:
    seconds: float


Segment = Speech | Pause


def parse_script(text: str) -> tuple[Segment, ...]:
    """Split text into spoken parts and pauses; raise TextError on a malformed marker."""
    segments: list[Segment] = []
    position = 0
    for match in _ANY_MARKER.finditer(text):
        _append_speech(segments, text[position:match.start()])
        segments.append(Pause(_pause_seconds(match.group(0))))
        position = match.end()
    _append_speech(segments, text[position:])
    return tuple(segments)


def paragraph_script(text: str) -> tuple[Segment, ...]:
    """A script where each newline is a paragraph pause, and `<#x#>` must sit between two speakable pieces,
    never twice in a row (MiniMax's rules; the OpenAI dialect's too)."""
    segments: list[Segment] = []
    for paragraph in text.split("\n"):
        parts = parse_script(paragraph)
        _check_marker_placement(parts)
        if not parts:
            continue
        if segments:
            segments.append(Pause(PARAGRAPH_PAUSE_S))
        segments.extend(parts)
    if not any(isinstance(s, Speech) and any(ch.isalnum() for ch in s.text) for s in segments):
        raise TextError("there is nothing to speak")
    return tuple(segments)


def _check_marker_placement(parts: tuple[Segment, ...]) -> None:
    for index, part in enumerate(parts):
        if not isinstance(part, Pause):
            continue
        if index == 0 or index == len(parts) - 1:
            raise TextError("a <#x#> pause must sit between two pieces of text, not at an end")
        if isinstance(parts[index - 1], Pause):
            raise TextError("two <#x#> pauses may not follow each other")


def strip_interjections(text: str) -> str:
    return _INTERJECTION.sub(" ", text)


def _pause_seconds(marker: str) -> float:
    valid = _VALID_MARKER.fullmatch(marker)
    if valid is None:
        raise TextError(
            f"pause marker {marker!r} is malformed: write <#x#> with x in seconds, "
            f"{PAUSE_MIN_S}–{PAUSE_MAX_S}, at most two decimals"
        )
    seconds = float(valid.group(1))
    if not PAUSE_MIN_S <= seconds <= PAUSE_MAX_S:
        raise TextError(f"pause marker {marker!r} is out of range: x must be {PAUSE_MIN_S}–{PAUSE_MAX_S} seconds")
    return seconds


def _append_speech(segments: list[Segment], piece: str) -> None:
    if MARKER_OPEN in piece or MARKER_CLOSE in piece:
        fragment = piece[max(0, piece.find(MARKER_OPEN)):][:20] if MARKER_OPEN in piece else piece[:20]
        raise TextError(f"unclosed or stray pause marker near {fragment!r}: write <#x#>, e.g. <#0.5#>")
    if piece.strip():
        segments.append(Speech(piece))


def strip_markers(text: str) -> str:
    """The text with every valid pause marker removed (what gets counted and spoken)."""
    return _VALID_MARKER.sub("", text)


def billable_characters(text: str) -> int:
    """Unicode code points, pause markers excluded (both dialects bill by this)."""
    return len(strip_markers(text))


def spoken_units(text: str) -> int:
    """Letters, digits and CJK characters (each counts), not punctuation or spaces."""
    return sum(1 for ch in text if ch.isalnum())


def split_sentences(text: str) -> list[str]:
    """Sentences of a plain text (no markers), each at most MAX_SENTENCE_CHARS long."""
    sentences: list[str] = []
    for raw in _SENTENCE_BOUNDARY.split(text):
        if raw and raw.strip():
            sentences.extend(_limit_length(raw.strip()))
    return _rejoin_abbreviations(sentences)


def _rejoin_abbreviations(pieces: list[str]) -> list[str]:
    joined: list[str] = []
    for piece in pieces:
        if joined and joined[-1].lower().endswith(_ABBREVIATIONS) and len(joined[-1]) + len(piece) < MAX_SENTENCE_CHARS:
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def _limit_length(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces: list[str] = []
    current = ""
    for part in _SOFT_BREAKS.split(sentence):
        for word in _words_within_limit(part):
            candidate = f"{current} {word}".strip() if current and _needs_space(current, word) else current + word
            if len(candidate) > MAX_SENTENCE_CHARS and current:
                pieces.append(current.strip())
                current = word
            else:
                current = candidate
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _words_within_limit(part: str) -> list[str]:
    if len(part) <= MAX_SENTENCE_CHARS:
        return [part]
    words = part.split(" ") if " " in part else [part[i:i + MAX_SENTENCE_CHARS] for i in range(0, len(part), MAX_SENTENCE_CHARS)]
    return [w for w in words if w]


def _needs_space(left: str, right: str) -> bool:
    return left[-1:].isascii() and right[:1].isascii()


def normalize_for_comparison(text: str) -> str:
    """Lower case, no punctuation, single spaces: what two transcripts are compared on."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(c if (c.isalnum() or c.isspace()) else " " for c in text)
    return re.sub(r"\s+", " ", text).strip()


def edit_distances(reference: Sequence, hypothesis: Sequence) -> list[int]:
    """The edit distance of `reference` to every prefix of `hypothesis` (the last one is to all of it)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous


def edit_distance(reference: Sequence, hypothesis: Sequence) -> int:
    return edit_distances(reference, hypothesis)[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = normalize_for_comparison(reference).split(), normalize_for_comparison(hypothesis).split()
    return edit_distance(ref, hyp) / max(len(ref), 1)


def char_error_rate(reference: str, hypothesis: str) -> float:
    ref = list(normalize_for_comparison(reference).replace(" ", ""))
    hyp = list(normalize_for_comparison(hypothesis).replace(" ", ""))
    return edit_distance(ref, hyp) / max(len(ref), 1)
