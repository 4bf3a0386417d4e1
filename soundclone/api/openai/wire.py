"""The OpenAI dialect's wire bodies and objects (pydantic), as the official SDK reads them (strict mode too)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MODELS = ("gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15", "tts-1", "tts-1-hd")
NO_INSTRUCTIONS_MODELS = ("tts-1", "tts-1-hd")   # OpenAI: instructions and SSE do not work with these
FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
INPUT_LIMIT = 4096
LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 20, 100
FILE_LIMIT_BYTES = 10 * 1024 * 1024    # recording and audio_sample: 10 MiB each


class VoiceId(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str


class SpeechBody(BaseModel):
    """`POST /v1/audio/speech`. Unknown fields are accepted and ignored, as OpenAI's own API does."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(description=f"one of {', '.join(MODELS)}; all are spoken by the same engine here")
    input: str = Field(description=f"the text, at most {INPUT_LIMIT} characters; a newline is a short pause")
    voice: str | VoiceId = Field(description="a built-in name (alloy, ash, ballad, coral, echo, fable, onyx, nova, "
                                             "sage, shimmer, verse, marin, cedar), any system voice id (af_heart), "
                                             "or {\"id\": …} of a custom voice")
    instructions: str | None = Field(None, description="style, read by a documented rule (emotion, rate, pitch, "
                                                       "volume); what is not understood is named in the "
                                                       "x-soundclone-instructions-ignored header")
    response_format: Literal[FORMATS] | None = Field(None, description="default mp3; pcm is 24 kHz 16-bit "  # type: ignore[valid-type]
                                                                        "little-endian mono without a header")
    format: Literal[FORMATS] | None = Field(None, description="accepted as another name of response_format")  # type: ignore[valid-type]
    speed: float | None = Field(None, description="0.25 to 4.0, default 1.0")
    stream_format: Literal["audio", "sse"] | None = Field(None, description="audio (default): the file's bytes, "
                                                                            "streamed; sse: speech.audio.delta events")
    language: str | None = Field(None, description="an extension: the text's language (en, fr-FR, French); "
                                                   "detected when absent")


class VoiceConsent(BaseModel):
    id: str
    object: Literal["audio.voice_consent"] = "audio.voice_consent"
    created_at: int
    language: str
    name: str


class VoiceConsentDeleted(BaseModel):
    id: str
    object: Literal["audio.voice_consent"] = "audio.voice_consent"
    deleted: bool = True


class ConsentList(BaseModel):
    object: Literal["list"] = "list"
    data: list[VoiceConsent]
    has_more: bool
    first_id: str | None = None
    last_id: str | None = None


class ConsentRename(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class Voice(BaseModel):
    id: str
    object: Literal["audio.voice"] = "audio.voice"
    created_at: int
    name: str
    type: Literal["audio_sample"] = "audio_sample"
    consent: str | None = Field(None, description="an extension: the consent the voice was made with")
    quality: Literal["draft", "refined"] | None = Field(
        None, description="an extension: draft (it speaks at once) until refined in the background (minutes)")


class VoiceDeleted(BaseModel):
    id: str
    object: Literal["audio.voice.deleted"] = "audio.voice.deleted"
    deleted: bool = True


class VoiceList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Voice]
    has_more: bool
    first_id: str | None = None
    last_id: str | None = None


class ConsentPhrase(BaseModel):
    language: str
    phrase: str


class ConsentPhraseList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ConsentPhrase]


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
