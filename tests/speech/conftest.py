"""The real Kokoro engine and a voice, loaded once for every speech test module that asks for them."""

import pytest

from soundclone.speech.engine import load_engine
from soundclone.speech.profile import VoiceProfile
from tests.conftest import MODEL_DIR

VOICE_PACK = "jm_kumo"


@pytest.fixture(scope="session")
def engine():
    return load_engine("kokoro", model_dir=MODEL_DIR, threads=2)


@pytest.fixture(scope="session")
def voice(engine):
    return VoiceProfile(engine=engine.name, style=engine.packs[VOICE_PACK])
