"""The console in a real browser: Debian's Chromium (`make chromium`) driven by Playwright, against a real API and
worker started by the integration harness. Screenshots of every screen at a phone's and a desktop's width are
written to SCREENS_DIR for a person to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import MODEL_DIR, REFERENCE_WAV, ROOT, SPEECH_DIR
from tests.integration.harness import running

SCREENS_DIR = ROOT / ".cache" / "console-screens"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
BALANCE = 50_000_000          # 50 units
SHORT_CLIP = "sense_and_sensibility_01_austen_64kb-0870.wav"   # 7.1 s of speech: too short to clone


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is missing: run `make chromium` (installs Debian's chromium package)")


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    # no background refinement: it is tested elsewhere, and here it would only hold the worker at the end
    with running(tmp_path_factory.mktemp("console") / "data", MODEL_DIR,
                 extra_env={"SOUNDCLONE_REFINE_STEPS": "0"}) as service:
        yield service


@pytest.fixture(scope="session")
def key(service) -> str:
    return service.new_key(BALANCE)[1]


@pytest.fixture(scope="session")
def recordings(tmp_path_factory) -> dict[str, Path]:
    """The real human speech the suite already uses (LibriVox, one male reader), under the names a person uploads."""
    if not REFERENCE_WAV.exists():
        pytest.fail("speech fixtures missing: run `make fixtures` (scripts/fetch_speech.py)")
    directory = tmp_path_factory.mktemp("recordings")
    shutil.copy(REFERENCE_WAV, directory / "my-voice.wav")
    shutil.copy(SPEECH_DIR / "librivox" / SHORT_CLIP, directory / "too-short.wav")
    return {"sample": directory / "my-voice.wav", "short": directory / "too-short.wav"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True,
            args=["--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream", "--mute-audio"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screens() -> Path:
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENS_DIR.glob("*.png"):
        old.unlink()
    return SCREENS_DIR
