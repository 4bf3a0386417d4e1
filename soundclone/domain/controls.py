"""What a listener can ask of a voice: speed, volume, pitch, emotion and the voice effects. The one owner of
their ranges: every dialect's wire schema, every check and the engine's options read them from here.

A dialect may accept a narrower range than the service can speak (its vendor's documented one); both live here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from soundclone.domain.errors import invalid

EMOTIONS = ("happy", "sad", "angry", "fearful", "disgusted", "surprised", "neutral")
NEUTRAL = "neutral"
SPEED_RANGE = (0.5, 2.0)       # SoundClone's and MiniMax's documented range
ENGINE_SPEED_RANGE = (0.25, 4.0)   # what the engine speaks (OpenAI's range); speech/tempo.py says how
VOLUME_MAX = 10.0              # volume is a gain factor in (0, VOLUME_MAX]
PITCH_RANGE = (-12, 12)        # whole semitones
DEFAULT_SPEED, DEFAULT_VOLUME, DEFAULT_PITCH = 1.0, 1.0, 0

# Voice effects (MiniMax `voice_modify`): three signed amounts and one sound effect.
EFFECT_RANGE = (-100, 100)
EFFECT_AMOUNTS = ("pitch", "intensity", "timbre")
SOUND_EFFECTS = ("spacious_echo", "auditorium_echo", "lofi_telephone", "robotic")
EFFECT_PITCH_SEMITONES = 4.0   # an effect pitch of ±EFFECT_RANGE shifts the voice this many semitones


@dataclass(frozen=True)
class Controls:
    speed: float = DEFAULT_SPEED
    volume: float = DEFAULT_VOLUME
    pitch: int = DEFAULT_PITCH
    emotion: str = NEUTRAL


@dataclass(frozen=True)
class Effects:
    pitch: int = 0          # negative deeper, positive brighter
    intensity: int = 0      # negative more forceful, positive softer
    timbre: int = 0         # negative fuller, positive crisper
    sound_effect: str | None = None

    @property
    def semitones(self) -> float:
        return self.pitch / EFFECT_RANGE[1] * EFFECT_PITCH_SEMITONES

    @property
    def is_neutral(self) -> bool:
        return self == Effects()


def check_speed(value: float | None, field: str = "speed", *, bounds: tuple[float, float] = SPEED_RANGE) -> float:
    return _number_within(value, field, bounds, DEFAULT_SPEED)


def check_volume(value: float | None, field: str = "vol") -> float:
    return _number_within(value, field, (0.0, VOLUME_MAX), DEFAULT_VOLUME, low_open=True)


def check_pitch(value: int | None, field: str = "pitch") -> int:
    return _integer_within(value, field, PITCH_RANGE, DEFAULT_PITCH)


def check_emotion(value: str | None, field: str = "emotion", *, allowed: tuple[str, ...] = EMOTIONS) -> str:
    if value is None:
        return NEUTRAL
    if value not in allowed:
        raise invalid(field, f"{field} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def check_effects(value: dict | None, field: str = "voice_modify") -> Effects:
    value = dict(value or {})
    amounts = {name: _integer_within(value.get(name), f"{field}.{name}", EFFECT_RANGE, 0) for name in EFFECT_AMOUNTS}
    effect = value.get("sound_effects")
    if effect is not None and effect not in SOUND_EFFECTS:
        raise invalid(f"{field}.sound_effects",
                      f"{field}.sound_effects must be one of {', '.join(SOUND_EFFECTS)}; got {effect!r}")
    return Effects(**amounts, sound_effect=effect)


def _number_within(value: float | None, field: str, bounds: tuple[float, float], default: float, *,
                   low_open: bool = False) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid(field, f"{field} must be a number; got {value!r}")
    low, high = bounds
    if (value <= low if low_open else value < low) or value > high:
        bracket = "(" if low_open else "["
        raise invalid(field, f"{field} must be within {bracket}{low:g}, {high:g}]; got {value}")
    return float(value)


def _integer_within(value: int | None, field: str, bounds: tuple[int, int], default: int) -> int:
    if value is None:
        return default
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(field, f"{field} must be an integer within [{low}, {high}]; got {value!r}")
    return value
