"""Task requests and results are stored typed and versioned; rows written before format 2 still read."""

import pytest

from soundclone.domain.cloning import MINIMAX_SPEECH, SOUNDCLONE_SPEECH
from soundclone.domain.controls import Controls, Effects
from soundclone.domain.errors import ErrorKind
from soundclone.domain.pricing import PricePlan
from soundclone.domain.records import (
    AudioFile, CloneResult, CloneTask, Failure, RecordError, SpeechResult, SpeechTask, VoiceRef, dump_record,
    dump_result, load_record, load_result,
)
from soundclone.domain.requests import (
    Archive, AudioOutput, CloneRequest, CloneSource, PromptSample, SpeechRequest, Subtitles,
)
from soundclone.domain.text import Pause, Speech
from soundclone.domain.voices import MINIMAX_CLONE, PREVIEW

SPEECH = SpeechRequest(
    voice="jm_kumo", script=(Speech("Hello."), Pause(0.5), Speech("Bye.")), text="Hello.<#0.5#>Bye.", characters=10,
    language="en", controls=Controls(1.2, 2.0, -3, "happy"), effects=Effects(10, -20, 30, "robotic"),
    output=AudioOutput("flac", 16000, 64000, 2), subtitles=Subtitles("json", words=True), stream="continuous",
    watermark=True, archive=Archive(123456789012, {"word_count": 7}),
)
AUDIO = AudioFile("tasks/audio_x/audio.flac", "flac", 16000, 64000, 2, 4321, 1500)


def test_speech_and_clone_records_round_trip():
    speech = SpeechTask(SPEECH, VoiceRef("system", "jm_kumo"), PricePlan.MINIMAX_SPEECH, {"output_format": "url"})
    assert load_record("minimaxSpeech", dump_record(speech)) == speech
    clone = CloneTask(CloneRequest(CloneSource(blob_key="uploads/1.wav"), MINIMAX_SPEECH, MINIMAX_CLONE, name="Voice001",
                                   noise_reduction=True, prompt=PromptSample("uploads/2.wav", "Hi."), preview=SPEECH),
                      PricePlan.MINIMAX_CLONE)
    assert load_record("minimaxVoiceClone", dump_record(clone)) == clone


def test_results_round_trip():
    for result in (SpeechResult(AUDIO, 10, "tasks/audio_x/subtitles.json", 3, 42), CloneResult("model_" + "a" * 32),
                   CloneResult("model_" + "b" * 32, SpeechResult(AUDIO, 5)), Failure(ErrorKind.VOICE_NOT_FOUND)):
        assert load_result("minimaxSpeech", dump_result(result)) == result
    assert load_result("minimaxSpeech", None) is None


def test_a_newer_format_is_refused_by_name():
    with pytest.raises(RecordError, match="newer"):
        load_record("minimaxSpeech", {"v": 99})


def test_format_1_soundclone_rows_read():
    clone = load_record("soundCloningClone", {"fileUrl": "https://e.com/a.mp3", "contentText": "Hi <#1#> there.",
                                              "soundVersion": "v1", "language": "en"})
    assert clone.request.source.url == "https://e.com/a.mp3" and clone.request.speech_rule == SOUNDCLONE_SPEECH
    assert clone.request.lifetime == PREVIEW and clone.request.preview.script == (Speech("Hi "), Pause(1.0), Speech(" there."))
    assert clone.plan is PricePlan.SOUNDCLONE_CLONE and clone.request.characters == len("Hi  there.")
    audio = load_record("soundCloningAudio", {
        "modelId": "model_" + "a" * 32, "contentText": "Hello", "soundVersion": "v2", "language": "auto",
        "emotion": "sad", "speed": 1.5, "vol": 2.0, "pitch": 3, "subtitleEnable": True, "subtitleType": "word"})
    assert audio.voice == VoiceRef("named", "model_" + "a" * 32) and audio.request.controls == Controls(1.5, 2.0, 3, "sad")
    assert audio.request.subtitles == Subtitles("srt", words=True) and audio.request.output == AudioOutput()
    preview = load_result("soundCloningClone", {"modelId": "model_" + "c" * 32, "audioKey": "tasks/t/preview.mp3",
                                                 "durationS": 2.5})
    assert preview == CloneResult("model_" + "c" * 32, SpeechResult(
        AudioFile("tasks/t/preview.mp3", "mp3", 24000, 128000, 1, 0, 2500), 0))


ORDER = {"model": "speech-2.8-hd", "voice_id": "Narrator01", "text": "Hi (laughs).\nBye.", "language": "auto",
         "speed": 1.0, "vol": 1.0, "pitch": 0, "emotion": "neutral",
         "audio": {"format": "mp3", "sample_rate": 32000, "bitrate": 128000, "channel": 1}, "subtitle": False,
         "subtitle_type": "sentence", "output_format": "url", "stream": False, "exclude_aggregated_audio": False,
         "voice_modify": {"pitch": 20}, "watermark": False, "invisible_ratio": 0.05, "usage_characters": 17,
         "word_count": 9}


def test_format_1_minimax_rows_read():
    speech = load_record("minimaxSpeech", {"order": ORDER, "async": True, "outputFileId": 99})
    assert speech.voice == VoiceRef("named", "Narrator01") and speech.request.archive == Archive(
        99, {"invisible_character_ratio": 0.05, "word_count": 9})
    assert speech.request.script == (Speech("Hi  ."), Pause(0.6), Speech("Bye."))    # 2.8 takes sound tags out
    assert speech.request.subtitles == Subtitles("json") and speech.request.effects == Effects(pitch=20)
    assert speech.wire["output_format"] == "url" and speech.request.characters == 17
    clone = load_record("minimaxVoiceClone", {"name": "Narrator01", "fileKey": "uploads/1.wav", "noiseReduction": True,
                                              "volumeNormalization": False, "demo": ORDER})
    assert clone.request.name == "Narrator01" and clone.request.noise_reduction and clone.request.preview is not None
    result = load_result("minimaxSpeech", {"audioKey": "tasks/t/audio.mp3", "chunks": 2, "fileId": 99, "extraInfo": {
        "audio_length": 1200, "audio_sample_rate": 32000, "audio_size": 999, "bitrate": 128000, "audio_format": "mp3",
        "audio_channel": 1, "usage_characters": 17}})
    assert result == SpeechResult(AudioFile("tasks/t/audio.mp3", "mp3", 32000, 128000, 1, 999, 1200), 17, None, 2, 99)


def test_format_1_failures_read_as_the_kinds_that_replaced_them():
    assert load_result("minimaxSpeech", {"errorKind": "internal"}) == Failure(ErrorKind.TASK_FAILED)
    assert load_result("minimaxSpeech", {"errorKind": "not_found"}) == Failure(ErrorKind.VOICE_NOT_FOUND)
    assert load_result("soundCloningClone", {"errorKind": "invalid_parameter"}) == Failure(ErrorKind.INVALID_PARAMETER)
