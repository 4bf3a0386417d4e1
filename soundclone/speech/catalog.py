"""Built-in voices per engine, listed without loading the engine (the API process reads this)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemVoice:
    voice_id: str
    name: str
    description: tuple[str, ...]


SYSTEM_VOICES: dict[str, tuple[SystemVoice, ...]] = {
    "kokoro": (
        SystemVoice("jf_alpha", "Alpha", ("female", "bright", "Kokoro voice pack")),
        SystemVoice("jf_gongitsune", "Gongitsune", ("female", "warm", "Kokoro voice pack")),
        SystemVoice("jf_nezumi", "Nezumi", ("female", "light", "Kokoro voice pack")),
        SystemVoice("jf_tebukuro", "Tebukuro", ("female", "high", "Kokoro voice pack")),
        SystemVoice("jm_kumo", "Kumo", ("male", "calm", "Kokoro voice pack")),
    ),
}


def system_voice_ids(engine: str) -> frozenset[str]:
    return frozenset(v.voice_id for v in SYSTEM_VOICES.get(engine, ()))
