import pytest

from soundclone.api.minimax import rules as mm
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.text import Pause, Speech


def kind_of(call):
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value.kind


def test_paragraphs_become_pauses_and_markers_must_sit_between_text():
    script = mm.speech_script("One.<#1#>Two.\nThree.")
    assert script == (Speech("One."), Pause(1.0), Speech("Two."), Pause(mm.PARAGRAPH_PAUSE_S), Speech("Three."))
    for bad in ("<#1#>One.", "One.<#1#>", "One.<#1#><#2#>Two.", "One.<#1#>  <#2#>Two.", "<#1#>"):
        assert kind_of(lambda: mm.speech_script(bad)) is ErrorKind.INVALID_PARAMETER


def test_interjections_are_dropped_for_2_8_only():
    assert mm.speech_script("Hi (laughs) there.", strip_interjections=True) == (Speech("Hi   there."),)
    assert mm.speech_script("Hi (laughs) there.") == (Speech("Hi (laughs) there."),)


def test_invisible_characters_up_to_ten_percent_are_removed_and_reported():
    cleaned = mm.clean_text("abcdefghi\x07")
    assert cleaned.text == "abcdefghi" and cleaned.invisible_ratio == 0.1
    assert mm.clean_text("tab\tand\nnewline").invisible_ratio == 0
    assert kind_of(lambda: mm.clean_text("abc\x01\x02")) is ErrorKind.INVALID_CHARACTERS


def test_counts():
    assert mm.usage_characters("你好<#0.5#>, world") == len("你好, world")
    assert mm.word_count("你好, world 42!") == 9


def test_pronunciation_rules_replace_all_at_once_longest_first():
    rules = mm.parse_tone_rules(["New York/New York City", "York/Yorkshire", "omg/(oʊ maɪ ɡɑd)"])
    assert mm.apply_tone_rules("New York and York, omg", rules) == "New York City and Yorkshire,  ⟪omg|oʊ maɪ ɡɑd⟫ "
    assert mm.apply_tone_rules("处理", mm.parse_tone_rules(["处理/(chu3)(li3)"])) == "⟪处理|py:chu3 li3⟫"
    with pytest.raises(ServiceError):
        mm.parse_tone_rules(["nothing"])


@pytest.mark.parametrize("voice_id", ["MiniMax001", "a" * 8, "Voice_2-x9"])
def test_good_voice_ids(voice_id):
    assert mm.check_voice_name(voice_id) == voice_id


def test_emotions_by_model():
    assert mm.check_emotion("calm", "speech-02-hd") == "neutral"
    assert mm.check_emotion("whisper", "speech-2.6-hd") == "sad"
    assert kind_of(lambda: mm.check_emotion("whisper", "speech-2.8-hd")) is ErrorKind.INVALID_PARAMETER
    assert mm.check_emotion(None, "speech-02-hd") == "neutral"


def test_audio_spec_defaults_and_checks():
    assert mm.audio_spec(None, formats=mm.SYNC_FORMATS) == mm.AudioSpec("mp3", 32000, 128000, 1)
    spec = mm.audio_spec({"audio_sample_rate": 8000, "format": "pcm", "channel": 2}, formats=mm.ASYNC_FORMATS,
                         rate_field="audio_sample_rate")
    assert (spec.sample_rate, spec.channel) == (8000, 2)
    with pytest.raises(ServiceError, match="audio_setting.format"):
        mm.audio_spec({"format": "wav"}, formats=mm.STREAM_FORMATS)


def test_a_translated_request_round_trips_through_its_stored_record():
    from soundclone.api.minimax import translate
    from soundclone.api.minimax.wire import T2ABody
    from soundclone.domain.pricing import PricePlan
    from soundclone.domain.records import SpeechTask, VoiceRef, dump_record, load_record

    body = T2ABody(model="speech-2.8-hd", text="Hi (laughs) there.\nBye <#0.5#> now.", subtitle_enable=True,
                   voice_setting={"voice_id": "jm_kumo", "speed": 1.5, "emotion": "whisper"} | {"emotion": "calm"},
                   voice_modify={"pitch": 50, "sound_effects": "robotic"}, audio_setting={"format": "flac"})
    request, wire = translate.t2a(body)
    assert request.script == (Speech("Hi   there."), Pause(mm.PARAGRAPH_PAUSE_S), Speech("Bye "), Pause(0.5),
                              Speech(" now."))
    assert (request.controls.speed, request.controls.emotion, request.effects.sound_effect) == (1.5, "neutral", "robotic")
    record = SpeechTask(request, VoiceRef("system", "jm_kumo"), PricePlan.MINIMAX_SPEECH, wire)
    assert load_record("minimaxSpeech", dump_record(record)) == record
