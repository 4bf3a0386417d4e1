"""`instructions` ("Speak in a cheerful and positive tone.") as controls, by a documented rule:

The text is cut into clauses (at . , ; ! ? newlines and "and"/"but"). A clause is understood when it holds one
of the words below; its words then set, the first one of each kind winning:

| kind | words (any form listed) | effect |
| --- | --- | --- |
| emotion | cheerful, happy, joyful, upbeat, excited, enthusiastic, friendly, warm | happy |
| | sad, sorrowful, melancholic, melancholy, somber, sombre, gloomy, mournful | sad |
| | angry, furious, annoyed, irritated, irate | angry |
| | scared, afraid, fearful, nervous, anxious, frightened, worried | fearful |
| | disgusted, revolted, repulsed | disgusted |
| | surprised, astonished, amazed, shocked | surprised |
| | calm, neutral, relaxed, soothing, serene, plain, flat | neutral |
| rate | slow, slowly, slower, unhurried, leisurely, measured | speed × 0.85 |
| | fast, quickly, quick, faster, rapid, rapidly, brisk, briskly, hurried | speed × 1.15 |
| pitch | high, higher, high-pitched | +2 semitones |
| | low, lower, deep, deeper, low-pitched | −2 semitones |
| volume | whisper, whispering, whispered, quiet, quietly, soft, softly, hushed | volume × 0.5 |
| | loud, loudly, shout, shouting, projecting | volume × 1.6 |

An adverb counts as its adjective (cheerfully, happily, calmly, sadly). Clauses with none of these words are not
understood; they are listed in the `x-soundclone-instructions-ignored`
response header (and what was applied in `x-soundclone-instructions-applied`), never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RATE_FACTOR = {"slow": 0.85, "fast": 1.15}
PITCH_SEMITONES = {"high": 2, "low": -2}
VOLUME_FACTOR = {"quiet": 0.5, "loud": 1.6}
WORDS = {
    ("emotion", "happy"): "cheerful happy joyful upbeat excited enthusiastic friendly warm",
    ("emotion", "sad"): "sad sorrowful melancholic melancholy somber sombre gloomy mournful",
    ("emotion", "angry"): "angry furious annoyed irritated irate",
    ("emotion", "fearful"): "scared afraid fearful nervous anxious frightened worried",
    ("emotion", "disgusted"): "disgusted revolted repulsed",
    ("emotion", "surprised"): "surprised astonished amazed shocked",
    ("emotion", "neutral"): "calm neutral relaxed soothing serene plain flat",
    ("rate", "slow"): "slow slowly slower unhurried leisurely measured",
    ("rate", "fast"): "fast quickly quick faster rapid rapidly brisk briskly hurried",
    ("pitch", "high"): "high higher high-pitched",
    ("pitch", "low"): "low lower deep deeper low-pitched",
    ("volume", "quiet"): "whisper whispering whispered quiet quietly soft softly hushed",
    ("volume", "loud"): "loud loudly shout shouting projecting",
}
_MEANING = {word: meaning for meaning, words in WORDS.items() for word in words.split()}
_CLAUSES = re.compile(r"[.,;!?\n]+|\b(?:and|but)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Reading:
    emotion: str | None = None
    rate: float = 1.0
    semitones: int = 0
    volume: float = 1.0
    applied: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


def read(instructions: str | None) -> Reading:
    if not instructions or not instructions.strip():
        return Reading()
    found: dict[str, str] = {}
    ignored = []
    for clause in (c.strip() for c in _CLAUSES.split(instructions) if c and c.strip()):
        meanings = [_MEANING[w] for w in map(_adjective, _WORD.findall(clause.lower())) if w in _MEANING]
        if not meanings:
            ignored.append(clause)
        for kind, value in meanings:
            found.setdefault(kind, value)
    return Reading(
        emotion=found.get("emotion"), rate=RATE_FACTOR.get(found.get("rate"), 1.0),
        semitones=PITCH_SEMITONES.get(found.get("pitch"), 0), volume=VOLUME_FACTOR.get(found.get("volume"), 1.0),
        applied=tuple(f"{kind}={value}" for kind, value in found.items()), ignored=tuple(ignored),
    )


def _adjective(word: str) -> str:
    """An adverb's adjective (cheerfully → cheerful, happily → happy, calmly → calm); other words as they are."""
    if word in _MEANING or not word.endswith("ly"):
        return word
    if word.endswith("ily"):
        return word[:-3] + "y"
    return word[:-2]
