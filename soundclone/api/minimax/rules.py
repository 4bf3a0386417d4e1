"""The MiniMax wire's own rules, pure: voice ids, models, emotions, audio settings, text checks, counts.

These are the vendor's documented constraints on its fields; each check raises ServiceError naming the field.
Ranges shared with the other dialects come from `domain.controls`, text rules from `domain.text`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from soundclone.domain.errors import ErrorKind, ServiceError, invalid
from soundclone.domain.languages import ALL_LANGUAGES, AUTO
from soundclone.domain.requests import AudioOutput
from soundclone.domain.text import PARAGRAPH_PAUSE_S  # noqa: F401 (a newline's pause is part of this wire's rules)
from soundclone.domain.text import (
    PINYIN_PREFIX, Segment, TextError, billable_characters, paragraph_script, spoken_units,
)
from soundclone.domain.text import strip_interjections as _strip_interjections

MODELS = ("speech-2.8-hd", "speech-2.8-turbo", "speech-2.6-hd", "speech-2.6-turbo",
          "speech-02-hd", "speech-02-turbo", "speech-01-hd", "speech-01-turbo")
ASYNC_MODELS = MODELS  # the async guide lists 2.8 too; accepting it is what a client relies on
EMOTIONS = ("happy", "sad", "angry", "fearful", "disgusted", "surprised", "calm", "fluent", "whisper")
# MiniMax emotions without an engine counterpart: calm and fluent read as neutral; whisper as the quiet, low "sad".
ENGINE_EMOTION = {"calm": "neutral", "fluent": "neutral", "whisper": "sad"}
SAMPLE_RATES = (8000, 16000, 22050, 24000, 32000, 44100)
BITRATES = (32000, 64000, 128000, 256000)
SYNC_FORMATS = ("mp3", "pcm", "flac", "wav")
STREAM_FORMATS = ("mp3", "pcm", "flac")
ASYNC_FORMATS = ("mp3", "pcm", "flac")
DEFAULT_SAMPLE_RATE = 32000
DEFAULT_BITRATE = 128000
SUBTITLE_TYPES = ("sentence", "word", "word_streaming")
OUTPUT_FORMATS = ("url", "hex")
SYNC_TEXT_LIMIT = 10_000        # characters; the text must be shorter
ASYNC_TEXT_LIMIT = 50_000       # characters, inclusive
ASYNC_FILE_TEXT_LIMIT = 100_000
DEMO_TEXT_LIMIT = 1_000
INVALID_CHARACTER_LIMIT = 0.10  # share of control characters tolerated (inclusive)
VOICE_ID_MIN, VOICE_ID_MAX = 8, 256
_VOICE_ID_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_PINYIN = re.compile(r"[a-zü]+[1-5]")


def check_voice_name(voice_id: str | None) -> str:
    """A caller-chosen voice_id: each rule of the reference is its own error."""
    if not voice_id:
        raise invalid("voice_id", "voice_id is required")
    if not VOICE_ID_MIN <= len(voice_id) <= VOICE_ID_MAX:
        raise invalid("voice_id", f"voice_id must be {VOICE_ID_MIN}–{VOICE_ID_MAX} characters long; got {len(voice_id)}")
    if not voice_id[0].isascii() or not voice_id[0].isalpha():
        raise invalid("voice_id", "voice_id must start with an English letter")
    if not _VOICE_ID_CHARS.fullmatch(voice_id):
        raise invalid("voice_id", "voice_id may contain only letters, digits, '-' and '_'")
    if voice_id[-1] in "-_":
        raise invalid("voice_id", "voice_id must not end with '-' or '_'")
    return voice_id


def check_model(model: str | None, *, field_name: str = "model", allowed: tuple[str, ...] = MODELS) -> str:
    if not model:
        raise invalid(field_name, f"{field_name} is required; one of {', '.join(allowed)}")
    if model not in allowed:
        raise invalid(field_name, f"{field_name} {model!r} is not supported; use one of {', '.join(allowed)}")
    return model


def check_emotion(emotion: str | None, model: str) -> str:
    if emotion is None:
        return "neutral"
    if emotion not in EMOTIONS:
        raise invalid("voice_setting.emotion", f"voice_setting.emotion must be one of {', '.join(EMOTIONS)}; got {emotion!r}")
    if emotion in ("fluent", "whisper") and not model.startswith("speech-2.6"):
        raise invalid("voice_setting.emotion", f"voice_setting.emotion {emotion!r} needs a speech-2.6 model")
    return ENGINE_EMOTION.get(emotion, emotion)


def language_of(boost: str | None) -> str:
    if boost is None or boost == AUTO:
        return AUTO
    if boost not in ALL_LANGUAGES:
        raise invalid("language_boost", f"language_boost {boost!r} is not supported; use auto or one of {', '.join(ALL_LANGUAGES)}")
    return ALL_LANGUAGES[boost]


@dataclass(frozen=True)
class CleanText:
    text: str
    invisible_ratio: float


def clean_text(text: str, *, field_name: str = "text") -> CleanText:
    """Drop ASCII control characters other than tab and newline; more than 10% of them is refused (1042)."""
    if not text:
        return CleanText("", 0.0)
    invisible = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n")
    ratio = invisible / len(text)
    if ratio > INVALID_CHARACTER_LIMIT:
        raise ServiceError(ErrorKind.INVALID_CHARACTERS,
                           f"{field_name} has {ratio:.0%} invisible or control characters; at most 10% is allowed",
                           field=field_name)
    kept = "".join(ch for ch in text if not (unicodedata.category(ch) == "Cc" and ch not in "\t\n"))
    return CleanText(kept, round(ratio, 4))


def speech_script(text: str, *, field_name: str = "text", strip_interjections: bool = False) -> tuple[Segment, ...]:
    """Paragraphs (newlines) become pauses; `<#x#>` must sit between two speakable pieces, never twice in a row."""
    try:
        return paragraph_script(_strip_interjections(text) if strip_interjections else text)
    except TextError as error:
        raise invalid(field_name, f"{field_name}: {error.problem}") from None


def strips_interjections(model: str) -> bool:
    """The 2.8 models perform sound tags such as (laughs); ours cannot, so they are taken out, not read aloud."""
    return model.startswith("speech-2.8")


def usage_characters(text: str) -> int:
    """Billed characters: Unicode code points without pause markers (the same count as the SoundClone API)."""
    return billable_characters(text)


def word_count(text: str) -> int:
    """Spoken units: CJK characters, digits and letters (each counts), not punctuation or spaces."""
    return spoken_units(text)


def parse_tone_rules(tone: list[str] | None) -> tuple[tuple[str, str], ...]:
    rules = []
    for index, rule in enumerate(tone or []):
        if not isinstance(rule, str) or rule.count("/") < 1:
            raise invalid("pronunciation_dict.tone", f"pronunciation_dict.tone[{index}] must look like 'word/replacement'")
        original, replacement = rule.split("/", 1)
        if not original or not replacement:
            raise invalid("pronunciation_dict.tone", f"pronunciation_dict.tone[{index}] must look like 'word/replacement'")
        rules.append((original, replacement))
    return tuple(rules)


def apply_tone_rules(text: str, rules: tuple[tuple[str, str], ...]) -> str:
    """All rules at once (longest original first), so one replacement is never rewritten by another."""
    if not rules:
        return text
    ordered = sorted(rules, key=lambda r: len(r[0]), reverse=True)
    table = dict(ordered)
    pattern = re.compile("|".join(re.escape(original) for original, _ in ordered))
    return pattern.sub(lambda m: _spoken_replacement(m.group(0), table[m.group(0)]), text)


def _spoken_replacement(original: str, replacement: str) -> str:
    """`(ipa)` groups become ⟪word|ipa⟫ tokens the phonemizer passes through; plain text is spoken as written."""
    if re.fullmatch(r"(\([^()|⟪⟫]+\))+", replacement):
        groups = re.findall(r"\(([^()]+)\)", replacement)
        if all(_PINYIN.fullmatch(g) for g in groups):
            return f"⟪{original}|{PINYIN_PREFIX}{' '.join(groups)}⟫"
        return f" ⟪{original}|{''.join(groups)}⟫ "
    return replacement


@dataclass(frozen=True)
class AudioSpec:
    format: str = "mp3"
    sample_rate: int = DEFAULT_SAMPLE_RATE
    bitrate: int = DEFAULT_BITRATE
    channel: int = 1

    def to_output(self) -> AudioOutput:
        return AudioOutput(self.format, self.sample_rate, self.bitrate, self.channel)


def audio_spec(setting: dict | None, *, formats: tuple[str, ...], rate_field: str = "sample_rate",
               prefix: str = "audio_setting") -> AudioSpec:
    setting = setting or {}
    fmt = setting.get("format") or "mp3"
    if fmt not in formats:
        raise invalid(f"{prefix}.format", f"{prefix}.format must be one of {', '.join(formats)}; got {fmt!r}")
    rate = setting.get(rate_field) or DEFAULT_SAMPLE_RATE
    if rate not in SAMPLE_RATES:
        raise invalid(f"{prefix}.{rate_field}", f"{prefix}.{rate_field} must be one of {SAMPLE_RATES}; got {rate!r}")
    bitrate = setting.get("bitrate") or DEFAULT_BITRATE
    if bitrate not in BITRATES:
        raise invalid(f"{prefix}.bitrate", f"{prefix}.bitrate must be one of {BITRATES}; got {bitrate!r}")
    channel = setting.get("channel") or 1
    if channel not in (1, 2):
        raise invalid(f"{prefix}.channel", f"{prefix}.channel must be 1 or 2; got {channel!r}")
    return AudioSpec(fmt, rate, bitrate, channel)
