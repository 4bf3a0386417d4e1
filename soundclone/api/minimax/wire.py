"""The MiniMax dialect's wire bodies (pydantic). Unknown fields are accepted, as MiniMax's own API does."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

INT64_MAX = 2**63 - 1
Id64 = Annotated[int, Field(ge=0, le=INT64_MAX)]
QueryId64 = Annotated[int, Query(ge=0, le=INT64_MAX)]


class Flexible(BaseModel):
    model_config = ConfigDict(extra="allow")


class ClonePrompt(Flexible):
    prompt_audio: Id64 | None = None
    prompt_text: str | None = None


class VoiceCloneBody(Flexible):
    file_id: Id64
    voice_id: str
    clone_prompt: ClonePrompt | None = None
    text: str | None = None
    model: str | None = None
    language_boost: str | None = None
    need_noise_reduction: bool = Field(False, description=(
        "Clean the clone audio before enrollment: background noise, including noise that comes and goes "
        "(traffic, clicks), is suppressed with DeepFilterNet3."))
    need_volume_normalization: bool = Field(False, description="Bring the clone audio's speech to -20 dBFS first.")
    aigc_watermark: bool | None = Field(None, description=(
        "Whether the audio carries the service's provenance watermark. Every output is marked; false is honoured "
        "only where the operator allows opting out (SOUNDCLONE_WATERMARK_OPT_OUT)."))
    consent_id: str | None = Field(None, description=(
        "An extension: the id of a verified consent recording (POST /v1/audio/voice_consents) whose speaker must be "
        "the file's speaker; required when the operator requires consent for every clone."))


class T2ABody(Flexible):
    model: str
    text: str | None = None
    stream: bool = False
    stream_options: dict | None = None
    voice_setting: dict | None = None
    audio_setting: dict | None = None
    pronunciation_dict: dict | None = None
    timbre_weights: list | None = None
    language_boost: str | None = None
    voice_modify: dict | None = None
    subtitle_enable: bool = False
    subtitle_type: str | None = None
    output_format: str | None = None
    aigc_watermark: bool | None = Field(None, description=(
        "Whether the audio carries the service's provenance watermark. Every output is marked; false is honoured "
        "only where the operator allows opting out (SOUNDCLONE_WATERMARK_OPT_OUT)."))


class AsyncBody(T2ABody):
    text_file_id: Id64 | None = None


class DeleteFileBody(Flexible):
    file_id: Id64
    purpose: str | None = None


class VoiceTypeBody(Flexible):
    voice_type: str
    voice_id: str | None = None
