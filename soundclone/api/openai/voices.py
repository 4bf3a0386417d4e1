"""OpenAI's 13 built-in voice names, each spoken here by a Kokoro system voice (data; docs/api-openai.md).

Kokoro's American English packs include several named after OpenAI's voices (alloy, echo, nova, onyx, fable);
those take their namesakes. The others go to a pack of the same sex and a similar register, chosen by ear from
OpenAI's descriptions; `marin` and `cedar`, OpenAI's recommended pair, get Kokoro's best-rated packs.
"""

from __future__ import annotations

from types import MappingProxyType

BUILT_IN = MappingProxyType({
    "alloy": "af_alloy",
    "ash": "am_adam",
    "ballad": "bm_george",
    "coral": "af_bella",
    "echo": "am_echo",
    "fable": "bm_fable",
    "onyx": "am_onyx",
    "nova": "af_nova",
    "sage": "af_sarah",
    "shimmer": "af_sky",
    "verse": "am_michael",
    "marin": "af_heart",
    "cedar": "am_fenrir",
})


def system_voice_for(name: str) -> str:
    """The system voice id a built-in name means; any other name is passed on as it is."""
    return BUILT_IN.get(name, name)
