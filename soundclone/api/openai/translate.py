"""OpenAI wire bodies → the core's requests. Every check names the wire field (`param` in the error)."""

from __future__ import annotations

from dataclasses import dataclass

from soundclone.api.openai import instructions as style
from soundclone.api.openai.voices import system_voice_for
from soundclone.api.openai.wire import FORMATS, INPUT_LIMIT, MODELS, NO_INSTRUCTIONS_MODELS, SpeechBody
from soundclone.domain import consent, controls
from soundclone.domain.cloning import OPENAI_SPEECH
from soundclone.domain.errors import invalid
from soundclone.domain.languages import LanguageError, parse_language
from soundclone.domain.requests import (
    STREAM_CONTINUOUS, AudioOutput, CloneRequest, CloneSource, ConsentRequest, SpeechRequest,
)
from soundclone.domain.text import TextError, billable_characters, paragraph_script
from soundclone.domain.voices import KEPT

OUTPUT_RATE = 24_000            # every format, as OpenAI's (pcm: 24 kHz, 16-bit little-endian, mono)
OPUS_BITRATE, AAC_BITRATE, MP3_BITRATE = 48_000, 96_000, 128_000
BITRATES = {"opus": OPUS_BITRATE, "aac": AAC_BITRATE, "mp3": MP3_BITRATE}
NAME_LIMIT = 256


@dataclass(frozen=True)
class Speech:
    request: SpeechRequest
    format: str
    sse: bool
    style: style.Reading


def speech(body: SpeechBody) -> Speech:
    if body.model not in MODELS:
        raise invalid("model", f"model {body.model!r} is not supported; use one of {', '.join(MODELS)}")
    text = _input(body.input)
    fmt = body.response_format or body.format or "mp3"
    sse = body.stream_format == "sse"
    if sse and body.model in NO_INSTRUCTIONS_MODELS:
        raise invalid("stream_format", f"stream_format sse is not supported with {body.model}; "
                                       "use gpt-4o-mini-tts, or stream_format audio")
    reading = _style(body)
    speed = controls.check_speed(body.speed, "speed", bounds=controls.ENGINE_SPEED_RANGE)
    chosen = controls.Controls(
        speed=min(max(speed * reading.rate, controls.ENGINE_SPEED_RANGE[0]), controls.ENGINE_SPEED_RANGE[1]),
        volume=min(reading.volume, controls.VOLUME_MAX),
        pitch=max(controls.PITCH_RANGE[0], min(controls.PITCH_RANGE[1], reading.semitones)),
        emotion=reading.emotion or controls.NEUTRAL,
    )
    voice = system_voice_for(body.voice) if isinstance(body.voice, str) else body.voice.id
    if not voice.strip():
        raise invalid("voice", "voice is required: a built-in name such as alloy, or {\"id\": …} of a custom voice")
    request = SpeechRequest(
        voice=voice, script=_script(text), text=text, characters=billable_characters(text),
        language=_language(body.language), controls=chosen,
        output=AudioOutput(fmt, OUTPUT_RATE, BITRATES.get(fmt, MP3_BITRATE), 1), stream=STREAM_CONTINUOUS,
    )
    return Speech(request, fmt, sse, reading)


def consent_request(*, name: str, language: str, recording_key: str, operator: str) -> ConsentRequest:
    phrase_language = consent.phrase_language(language)
    return ConsentRequest(recording_key=recording_key, language=language.strip(), phrase_language=phrase_language,
                          phrase=consent.phrase(phrase_language, operator), name=check_name(name))


def voice_request(*, name: str, sample_key: str, consent_id: str) -> CloneRequest:
    return CloneRequest(CloneSource(blob_key=sample_key), OPENAI_SPEECH, KEPT, consent_id=consent_id,
                        label=check_name(name))


def check_name(name: str | None, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise invalid(field, f"{field} is required")
    if len(name) > NAME_LIMIT:
        raise invalid(field, f"{field} has {len(name)} characters; at most {NAME_LIMIT}")
    return name


def _input(text: str) -> str:
    if not text or not text.strip():
        raise invalid("input", "input is required and must not be empty")
    if len(text) > INPUT_LIMIT:
        raise invalid("input", f"input has {len(text)} characters; at most {INPUT_LIMIT}")
    return text


def _script(text: str):  # noqa: ANN202
    try:
        return paragraph_script(text)
    except TextError as error:
        raise invalid("input", f"input: {error.problem}") from None


def _style(body: SpeechBody) -> style.Reading:
    if body.instructions and body.model in NO_INSTRUCTIONS_MODELS:
        return style.Reading(ignored=(f"all of it: {body.model} takes no instructions",))
    return style.read(body.instructions)


def _language(language: str | None) -> str:
    try:
        return parse_language(language)
    except LanguageError as error:
        raise invalid("language", error.problem) from None


__all__ = ["FORMATS", "Speech", "check_name", "consent_request", "speech", "voice_request"]
