"""The OpenAI dialect's pure rules: instructions, built-in voice names, and the consent phrase check."""

import pytest

from soundclone.api.openai import instructions
from soundclone.api.openai.voices import BUILT_IN
from soundclone.domain import consent
from soundclone.domain.system_voices import system_voice_ids
from soundclone.speech.consent_check import heard_the_phrase, units


def test_instructions_set_emotion_rate_pitch_and_volume_and_name_the_rest():
    reading = instructions.read("Speak cheerfully and slowly. Use a deep voice; whisper. Sound like a pirate!")
    assert (reading.emotion, reading.rate, reading.semitones, reading.volume) == ("happy", 0.85, -2, 0.5)
    assert reading.ignored == ("Sound like a pirate",)
    assert instructions.read("Angry, then sad.").emotion == "angry"          # the first of a kind wins
    assert instructions.read(None) == instructions.Reading()


def test_every_built_in_name_is_a_system_voice():
    assert len(BUILT_IN) == 13 and set(BUILT_IN.values()) <= system_voice_ids("kokoro")


def test_the_consent_phrase_is_heard_with_room_for_the_name_and_slips():
    phrase = consent.phrase("en-US", "Acme Voice Labs")
    assert heard_the_phrase(phrase, "en").matches
    assert heard_the_phrase(phrase.replace("Acme Voice Labs", "Akmi Vois Laps"), "en").matches
    assert not heard_the_phrase("The quick brown fox jumps over the lazy dog.", "en").matches
    assert not heard_the_phrase(phrase[: len(phrase) // 2], "en").matches                  # half of it
    assert not heard_the_phrase("", "en").matches


def test_chinese_is_compared_by_syllable_so_traditional_characters_read_alike():
    traditional = "我是這個聲音的主人，我同意Acme用它來製作合成聲音。"
    assert units("聲音", "zh") == units("声音", "zh") == ["sheng", "yin"]
    assert heard_the_phrase(traditional, "zh").distance == 0.0


@pytest.mark.parametrize("tag, code", [("en-US", "en"), ("en", "en"), ("pt_BR", "pt"), ("ZH", "zh")])
def test_consent_languages_take_tags_and_codes(tag, code):
    assert consent.phrase_language(tag) == code


def test_a_language_without_a_phrase_is_refused_by_field():
    from soundclone.domain.errors import ServiceError

    with pytest.raises(ServiceError) as caught:
        consent.phrase_language("hi-IN")
    assert caught.value.field == "language"
