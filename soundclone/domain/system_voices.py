"""The system voices each engine ships, as data: the API lists and resolves them without loading an engine.

For Kokoro these are its 54 voice packs; a pack's name says the language it was made for (first letter) and
its sex (second letter). Any of them speaks any of the service's languages. `tests/speech/test_voice_packs.py`
checks this table against the packs the engine loads.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemVoice:
    voice_id: str
    language: str          # the language the voice was made for (BCP 47)
    sex: str               # female | male
    timbre: str | None = None

    @property
    def name(self) -> str:
        # the language in the name too: several packs share a name (three Santas, two Doras, Alexes and Alphas)
        return f"{self.voice_id.split('_', 1)[1].capitalize()} ({self.language})"

    @property
    def description(self) -> tuple[str, ...]:
        words = (self.sex, self.timbre, f"{self.language} Kokoro voice pack")
        return tuple(word for word in words if word)


KOKORO = (
    SystemVoice('af_alloy', 'en-US', 'female'),
    SystemVoice('af_aoede', 'en-US', 'female'),
    SystemVoice('af_bella', 'en-US', 'female'),
    SystemVoice('af_heart', 'en-US', 'female'),
    SystemVoice('af_jessica', 'en-US', 'female'),
    SystemVoice('af_kore', 'en-US', 'female'),
    SystemVoice('af_nicole', 'en-US', 'female'),
    SystemVoice('af_nova', 'en-US', 'female'),
    SystemVoice('af_river', 'en-US', 'female'),
    SystemVoice('af_sarah', 'en-US', 'female'),
    SystemVoice('af_sky', 'en-US', 'female'),
    SystemVoice('am_adam', 'en-US', 'male'),
    SystemVoice('am_echo', 'en-US', 'male'),
    SystemVoice('am_eric', 'en-US', 'male'),
    SystemVoice('am_fenrir', 'en-US', 'male'),
    SystemVoice('am_liam', 'en-US', 'male'),
    SystemVoice('am_michael', 'en-US', 'male'),
    SystemVoice('am_onyx', 'en-US', 'male'),
    SystemVoice('am_puck', 'en-US', 'male'),
    SystemVoice('am_santa', 'en-US', 'male'),
    SystemVoice('bf_alice', 'en-GB', 'female'),
    SystemVoice('bf_emma', 'en-GB', 'female'),
    SystemVoice('bf_isabella', 'en-GB', 'female'),
    SystemVoice('bf_lily', 'en-GB', 'female'),
    SystemVoice('bm_daniel', 'en-GB', 'male'),
    SystemVoice('bm_fable', 'en-GB', 'male'),
    SystemVoice('bm_george', 'en-GB', 'male'),
    SystemVoice('bm_lewis', 'en-GB', 'male'),
    SystemVoice('ef_dora', 'es', 'female'),
    SystemVoice('em_alex', 'es', 'male'),
    SystemVoice('em_santa', 'es', 'male'),
    SystemVoice('ff_siwis', 'fr', 'female'),
    SystemVoice('hf_alpha', 'hi', 'female'),
    SystemVoice('hf_beta', 'hi', 'female'),
    SystemVoice('hm_omega', 'hi', 'male'),
    SystemVoice('hm_psi', 'hi', 'male'),
    SystemVoice('if_sara', 'it', 'female'),
    SystemVoice('im_nicola', 'it', 'male'),
    SystemVoice('jf_alpha', 'ja', 'female', timbre='bright'),
    SystemVoice('jf_gongitsune', 'ja', 'female', timbre='warm'),
    SystemVoice('jf_nezumi', 'ja', 'female', timbre='light'),
    SystemVoice('jf_tebukuro', 'ja', 'female', timbre='high'),
    SystemVoice('jm_kumo', 'ja', 'male', timbre='calm'),
    SystemVoice('pf_dora', 'pt-BR', 'female'),
    SystemVoice('pm_alex', 'pt-BR', 'male'),
    SystemVoice('pm_santa', 'pt-BR', 'male'),
    SystemVoice('zf_xiaobei', 'zh', 'female'),
    SystemVoice('zf_xiaoni', 'zh', 'female'),
    SystemVoice('zf_xiaoxiao', 'zh', 'female'),
    SystemVoice('zf_xiaoyi', 'zh', 'female'),
    SystemVoice('zm_yunjian', 'zh', 'male'),
    SystemVoice('zm_yunxi', 'zh', 'male'),
    SystemVoice('zm_yunxia', 'zh', 'male'),
    SystemVoice('zm_yunyang', 'zh', 'male'),
)
SYSTEM_VOICES: dict[str, tuple[SystemVoice, ...]] = {"kokoro": KOKORO}


def system_voices(engine: str) -> tuple[SystemVoice, ...]:
    return SYSTEM_VOICES.get(engine, ())


def system_voice_ids(engine: str) -> frozenset[str]:
    return frozenset(voice.voice_id for voice in system_voices(engine))
