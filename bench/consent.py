"""How far the consent check's transcripts fall from each phrase, said right and said wrong.

    .venv/bin/python bench/consent.py

For every consent language, a system voice made for that language (an American English one where Kokoro has
none) reads the phrase, and then another sentence; Whisper base transcribes both, and the table prints each
one's distance from the phrase (domain/consent.py: accepted at or below MAX_PHRASE_DISTANCE). Synthesized speech
stands in for people here: where Kokoro speaks a language badly (not one of its eight), a "said right" row can
miss because of the voice, not the check. Needs the models (`make bench-models`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soundclone.domain import consent  # noqa: E402
from soundclone.speech import asr  # noqa: E402
from soundclone.speech.consent_check import heard_the_phrase  # noqa: E402
from soundclone.speech.engine import SynthesisOptions, load_engine  # noqa: E402
from table import print_table  # noqa: E402

MODELS = ROOT / ".cache" / "models"
OPERATOR = "Acme Voice Labs"
NATIVE = {"en": "af_heart", "es": "ef_dora", "fr": "ff_siwis", "it": "if_sara", "pt": "pf_dora", "ja": "jf_alpha",
          "zh": "zf_xiaobei"}
WRONG = "The weather was fine, so we walked to the market and bought bread, cheese and a few apples."


def main() -> None:
    engine = load_engine("kokoro", model_dir=MODELS)
    engine.prepare()
    voices = engine.system_voices()
    rows = []
    for language in consent.LANGUAGES:
        voice = NATIVE.get(language, "af_heart")
        right = _heard(engine, voices[voice], consent.phrase(language, OPERATOR), language)
        wrong = _heard(engine, voices[voice], WRONG, language)
        rows.append((f"{language} ({voice})", f"{right.distance:.3f}", "yes" if right.matches else "NO",
                     f"{wrong.distance:.3f}", "NO" if wrong.matches else "refused"))
    print_table(f"language (voice) | phrase said: distance, accepted | another sentence: distance "
                f"(accepted at <= {consent.MAX_PHRASE_DISTANCE})", rows, cell_width=9)


def _heard(engine, voice, text: str, language: str):  # noqa: ANN001, ANN202
    chunks = engine.synthesize(text, voice, SynthesisOptions(language=language))
    audio = np.concatenate([chunk.samples for chunk in chunks])
    return heard_the_phrase(asr.transcribe(audio, 24_000, cache=MODELS, language=language).text, language)


if __name__ == "__main__":
    main()
