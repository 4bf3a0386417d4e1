"""The console end to end in Chromium: a bad key, sign in, a consent refused with its reason, a too-short sample
refused, a clone from a real recording with its preview, speech that streams with the current word highlighted,
voices, history, account, and the API reference; every screen photographed at 375 px and on a desktop."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.slow
SPOKEN = ("Hello there. This is my own voice, cloned a moment ago. "
          "It reads a few sentences in the console, one word after another.")
VOICE_ID = "console-voice-1"
WAIT_MS = 120_000


OUTSIDE: list[str] = []    # every request the pages made to anything but the service (refused)


@pytest.fixture(scope="module")
def page(browser, service) -> Page:
    context = browser.new_context(viewport=DESKTOP, base_url=service.base_url)
    elsewhere = re.compile(rf"^(?!{re.escape(service.base_url)}/)[a-z]+://")

    def refuse(route) -> None:  # noqa: ANN001
        OUTSIDE.append(route.request.url)
        route.abort()

    context.route(elsewhere, refuse)
    page = context.new_page()
    yield page
    context.close()


def until(page: Page, expression: str, timeout: float = 5_000) -> None:
    """Wait until a JavaScript expression is true, polled from here: the console's Content-Security-Policy (no
    eval) stops Playwright's own in-page polling, and the tests run under that policy as users do."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout / 1000:.0f} s: {expression}"
        page.wait_for_timeout(50)


def go(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Sections").get_by_role("link", name=section, exact=True).click()


def shoot(page: Page, screens, name: str) -> None:
    """The current screen at a desktop's width and at 375 px (the whole page), then back to the desktop."""
    for label, size in (("desktop", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(150)
        page.screenshot(path=str(screens / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_bad_key_is_refused_with_its_reason(page, screens):
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("API key").fill("sk-not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-error")).to_contain_text("not accepted")
    expect(page.locator("#signin-error")).to_contain_text("invalid or revoked API key")
    expect(page.locator("#nav")).to_be_hidden()
    shoot(page, screens, "1-signin-error")


def test_sign_in_keeps_the_key_in_the_tab_only(page, key):
    page.get_by_label("API key").fill(key)
    page.get_by_label("API key").press("Enter")          # the keyboard is enough
    expect(page.get_by_role("navigation", name="Sections")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('soundclone.key')") == key
    assert page.evaluate("localStorage.length") == 0


def test_a_consent_that_does_not_say_the_phrase_is_refused_with_what_was_heard(page, screens, recordings):
    go(page, "Clone")
    expect(page.locator("#consent-phrase")).to_contain_text("soundclone")   # the operator's name is in the phrase
    page.get_by_label("Upload the consent recording").set_input_files(recordings["sample"])
    page.get_by_label("Speaker's name").fill("Reader")
    page.get_by_role("button", name="Check the consent").click()
    result = page.locator("#consent-result")
    expect(result).to_contain_text("Consent refused", timeout=WAIT_MS)
    expect(result).to_contain_text("recording")   # the reason names the field, and says what was wrong
    shoot(page, screens, "2-clone-consent-refused")


def test_a_too_short_sample_is_refused_with_its_reason(page, recordings):
    page.get_by_label("Upload the voice sample").set_input_files(recordings["short"])
    page.get_by_label("Voice id").fill(VOICE_ID)
    page.get_by_role("button", name="Make the voice").click()
    expect(page.locator("#clone-error")).to_contain_text(re.compile(r"lasts 7\.\d s; it must be"), timeout=WAIT_MS)


def test_clone_from_a_real_recording_shows_progress_and_plays_its_preview(page, screens, recordings):
    page.get_by_label("Upload the voice sample").set_input_files(recordings["sample"])
    page.get_by_role("button", name="Make the voice").click()
    expect(page.locator("#clone-progress")).to_be_visible()
    expect(page.locator("#clone-stage")).to_contain_text(re.compile(r"\d+ s"))
    expect(page.locator("#clone-done")).to_contain_text(f"Voice {VOICE_ID} is ready", timeout=WAIT_MS)
    expect(page.locator("#clone-error")).to_be_empty()
    until(page, "document.querySelector('#clone-preview').duration > 1", timeout=30_000)
    shoot(page, screens, "3-clone-done")


def test_a_recording_made_in_the_browser_is_ready_to_send(page):
    """MediaRecorder on Chromium's fake microphone (a tone), turned into WAV in the page."""
    source = page.locator("#consent-source")
    source.get_by_role("button", name="Record", exact=True).click()
    record = source.get_by_role("button", name="Stop", exact=True)
    expect(record).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#consent-source-state")).to_contain_text("Recording…")
    page.wait_for_timeout(1500)
    record.click()
    expect(page.locator("#consent-source-state")).to_contain_text(re.compile(r"Recording: 1\.\d s"))
    until(page, "document.querySelector('#consent-source-audio').duration > 1")


def test_voices_lists_the_clone_with_its_expiry_and_the_system_voices(page, screens):
    go(page, "Voices")
    own = page.get_by_role("list", name="Your voices")
    expect(own).to_contain_text(VOICE_ID)
    expect(own).to_contain_text("unless used")
    system = page.get_by_role("list", name="System voices")
    until(page, "document.querySelectorAll('#system-voices li').length > 10")
    expect(system).to_contain_text("female")
    own.get_by_role("button", name=f"Play a sample of {VOICE_ID}").click()   # its preview, already made: no charge
    expect(page.locator("#voices-error")).to_be_empty()
    shoot(page, screens, "4-voices")


def test_speak_streams_and_highlights_the_current_word(page, screens):
    go(page, "Speak")
    expect(page.locator("#speak-voice option:checked")).to_have_text(VOICE_ID)
    text = page.get_by_label("Text", exact=True)
    text.fill(SPOKEN)
    expect(page.locator("#speak-count")).to_have_text(f"{len(SPOKEN)} billed characters")
    # the first use of a clone carries the clone fee: the price is the server's, charge by charge
    expect(page.locator("#speak-price")).to_contain_text("voice-clone")
    page.get_by_role("button", name="Insert a pause").click()
    assert "<#0.5#>" in text.input_value()
    expect(page.locator("#speak-count")).to_have_text(f"{len(SPOKEN)} billed characters")  # a marker is not billed
    text.fill(SPOKEN)
    player = page.locator("#speak-audio").bounding_box()
    page.get_by_role("button", name="Speak", exact=True).click()
    audio = "document.querySelector('#speak-audio')"
    until(page, f"{audio}.currentTime > 0", timeout=WAIT_MS)
    assert page.locator("#speak-audio").bounding_box() == player     # the player did not move or resize
    expect(page.locator("#speak-download")).to_be_visible(timeout=WAIT_MS)
    timings = page.locator("#speak-audio")
    playing_at, complete_at = (int(timings.get_attribute(name)) for name in ("data-playing-at", "data-complete-at"))
    assert playing_at < complete_at, "the audio began to play only once all of it had arrived"
    until(page, f"{audio}.duration > 0 && isFinite({audio}.duration)", timeout=30_000)
    words = page.locator("#subtitles .word")
    expect(words.first).to_be_visible(timeout=30_000)
    assert words.count() >= 10
    page.evaluate(f"{audio}.currentTime = 0; {audio}.play()")
    until(page, "Number(document.querySelector('#subtitles').dataset.current) >= 0", timeout=10_000)
    first = int(page.locator("#subtitles").get_attribute("data-current"))
    until(page, f"Number(document.querySelector('#subtitles').dataset.current) > {first}",
                           timeout=10_000)
    assert page.locator("#subtitles .word.current").count() == 1
    page.evaluate(f"{audio}.pause()")
    expect(page.locator("#speak-error")).to_be_empty()
    shoot(page, screens, "5-speak")


def test_a_format_the_player_cannot_stream_plays_once_complete(page):
    page.get_by_label("Format").select_option("flac")
    page.get_by_label("Text", exact=True).fill("One more, in FLAC.")
    page.get_by_role("button", name="Speak", exact=True).click()
    expect(page.locator("#speak-download")).to_have_attribute("download", "speech.flac", timeout=WAIT_MS)
    until(page, "document.querySelector('#speak-audio').duration > 0.5", timeout=10_000)
    expect(page.locator("#speak-error")).to_be_empty()
    page.get_by_label("Format").select_option("mp3")


def test_history_and_account_show_the_tasks_and_the_charges(page, screens):
    go(page, "History")
    rows = page.locator("#history-table tbody tr")
    expect(rows.first).to_contain_text("speech")
    expect(page.locator("#history-table")).to_contain_text("completed")
    expect(page.locator("#history-table")).to_contain_text("failed")    # the refused consent check
    expect(rows.first.get_by_role("link", name="subtitles")).to_be_visible()
    shoot(page, screens, "6-history")
    go(page, "Account")
    expect(page.locator("#account-balance")).not_to_have_text("…")
    expect(page.locator("#ledger-table")).to_contain_text("debit")
    expect(page.locator("#ledger-table")).to_contain_text("voice-clone × 1")   # the clone fee, on its first use
    shoot(page, screens, "7-account")


def test_the_api_reference_renders_offline_with_the_operations(page, screens):
    page.get_by_role("link", name="API reference").click()
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    assert page.locator(".opblock").count() > 20
    expect(page.locator("body")).to_contain_text("/v1/audio/speech")
    expect(page.locator("body")).to_contain_text("/api/v1/quote/t2a_v2")
    assert OUTSIDE == [], f"the console or the reference asked for something outside the service: {OUTSIDE}"
    shoot(page, screens, "8-docs")


def test_deleting_a_voice_asks_first(page, screens):
    page.goto("/#voices")       # back from the reference: the key is still in the tab's session
    own = page.get_by_role("list", name="Your voices")
    own.get_by_role("button", name=f"Delete {VOICE_ID}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(VOICE_ID)
    page.keyboard.press("Escape")                       # cancelled: nothing deleted
    expect(dialog).to_be_hidden()
    expect(own).to_contain_text(VOICE_ID)
    own.get_by_role("button", name=f"Delete {VOICE_ID}").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(own).to_contain_text("No cloned voices yet")
    shoot(page, screens, "9-voices-empty")
