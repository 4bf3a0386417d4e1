"""Built-in voices per engine, listed without loading the engine (the API process reads this)."""

from __future__ import annotations

from dataclasses import dataclass

from soundclone.speech.kokoro import voice_packs

KOKORO_TIMBRES = {  # words for the five packs the first releases listed; the others are described by origin only
    "jf_alpha": "bright", "jf_gongitsune": "warm", "jf_nezumi": "light", "jf_tebukuro": "high", "jm_kumo": "calm",
}


@dataclass(frozen=True)
class SystemVoice:
    voice_id: str
    name: str
    description: tuple[str, ...]


def _kokoro_voice(pack: str) -> SystemVoice:
    words = (voice_packs.sex_of(pack), KOKORO_TIMBRES.get(pack), f"{voice_packs.language_of(pack)} Kokoro voice pack")
    # the language in the name too: several packs share a name (three Santas, two Doras, Alexes and Alphas)
    name = f"{pack.split('_', 1)[1].capitalize()} ({voice_packs.language_of(pack)})"
    return SystemVoice(pack, name, tuple(w for w in words if w))


SYSTEM_VOICES: dict[str, tuple[SystemVoice, ...]] = {
    "kokoro": tuple(_kokoro_voice(pack) for pack in voice_packs.PACK_SHA256),
}


def system_voice_ids(engine: str) -> frozenset[str]:
    return frozenset(v.voice_id for v in SYSTEM_VOICES.get(engine, ()))
