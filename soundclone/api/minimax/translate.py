"""MiniMax wire bodies → the core's requests, plus what the replies need (`wire`). Pure, save for the
`FileLookup` a caller passes in to turn a file_id into the stored file it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from soundclone.api.minimax import rules as mm
from soundclone.api.minimax.wire import AsyncBody, T2ABody, VoiceCloneBody
from soundclone.domain import controls
from soundclone.domain.cloning import MINIMAX_SPEECH
from soundclone.domain.consent import checked_consent_id
from soundclone.domain.errors import invalid
from soundclone.domain.requests import (
    STREAM_PIECES, Archive, CloneRequest, CloneSource, PromptSample, SpeechRequest, Subtitles,
)
from soundclone.domain.voices import MINIMAX_CLONE

VOICE_FIELD = "voice_setting.voice_id"
# (file_id, purpose it must have been uploaded for, wire field) -> the file's blob key
FileLookup = Callable[[int, str, str], str]
CLONE_PURPOSE, PROMPT_PURPOSE = "voice_clone", "prompt_audio"


def t2a(body: T2ABody) -> tuple[SpeechRequest, dict]:
    """`/v1/t2a_v2`, synchronous or streamed."""
    model = mm.check_model(body.model)
    if body.timbre_weights:
        raise invalid("timbre_weights", "timbre_weights (voice mixing) is not supported; give voice_setting.voice_id")
    if body.text is None or not body.text.strip():
        raise invalid("text", "text is required")
    if len(body.text) >= mm.SYNC_TEXT_LIMIT:
        raise invalid("text", f"text has {len(body.text)} characters; it must be shorter than {mm.SYNC_TEXT_LIMIT}")
    output_format = body.output_format or "hex"
    if output_format not in mm.OUTPUT_FORMATS:
        raise invalid("output_format", "output_format must be url or hex")
    subtitle_type = body.subtitle_type or "sentence"
    if subtitle_type not in mm.SUBTITLE_TYPES:
        raise invalid("subtitle_type", f"subtitle_type must be one of {', '.join(mm.SUBTITLE_TYPES)}")
    if subtitle_type == "word_streaming" and not body.stream:
        raise invalid("subtitle_type", "subtitle_type word_streaming needs stream=true")
    return speech(
        model=model, text=body.text, voice_setting=body.voice_setting, audio_setting=body.audio_setting,
        language_boost=body.language_boost, watermark=body.aigc_watermark is not False,
        voice_modify=body.voice_modify, pronunciation=body.pronunciation_dict, stream=body.stream,
        formats=mm.STREAM_FORMATS if body.stream else mm.SYNC_FORMATS,
        subtitles=_subtitles(subtitle_type) if body.subtitle_enable else None, output_format=output_format,
        exclude_aggregated=bool((body.stream_options or {}).get("exclude_aggregated_audio")),
    )


def t2a_async(body: AsyncBody, text: str, output_file_id: int) -> tuple[SpeechRequest, dict]:
    """`/v1/t2a_async_v2`: the result is an archive (audio, sentence subtitles, facts) kept as a file."""
    request, wire = speech(
        model=mm.check_model(body.model, allowed=mm.ASYNC_MODELS), text=text, voice_setting=body.voice_setting,
        audio_setting=body.audio_setting, language_boost=body.language_boost,
        watermark=body.aigc_watermark is not False,
        voice_modify=body.voice_modify, pronunciation=body.pronunciation_dict, rate_field="audio_sample_rate",
        formats=mm.ASYNC_FORMATS, subtitles=_subtitles("sentence"),
    )
    details = {name: wire[name] for name in ("invisible_character_ratio", "word_count")}
    return replace(request, archive=Archive(output_file_id, details)), wire


def voice_clone(body: VoiceCloneBody, files: FileLookup) -> tuple[CloneRequest, dict]:
    """`/v1/voice_clone`: a clone of an uploaded file, with an optional prompt and an optional demo."""
    name = mm.check_voice_name(body.voice_id)
    source = files(body.file_id, CLONE_PURPOSE, "file_id")
    prompt = _prompt(body, files) if body.clone_prompt is not None else None
    preview, wire = None, {}
    if body.text is not None:
        if len(body.text) > mm.DEMO_TEXT_LIMIT:
            raise invalid("text", f"text has {len(body.text)} characters; at most {mm.DEMO_TEXT_LIMIT} are allowed")
        preview, wire = speech(
            model=mm.check_model(body.model), text=body.text, voice_setting={"voice_id": name},
            audio_setting={"format": "mp3"}, language_boost=body.language_boost,
            watermark=body.aigc_watermark is not False,
        )
    elif body.model is not None:
        mm.check_model(body.model)
    mm.language_of(body.language_boost)
    request = CloneRequest(
        CloneSource(blob_key=source), MINIMAX_SPEECH, MINIMAX_CLONE, name=name,
        noise_reduction=body.need_noise_reduction, volume_normalization=body.need_volume_normalization,
        prompt=prompt, preview=preview, consent_id=checked_consent_id("consent_id", body.consent_id),
    )
    return request, wire


def _prompt(body: VoiceCloneBody, files: FileLookup) -> PromptSample:
    prompt = body.clone_prompt
    if prompt.prompt_audio is None or not (prompt.prompt_text or "").strip():
        raise invalid("clone_prompt", "clone_prompt needs both prompt_audio and prompt_text")
    if prompt.prompt_text.strip()[-1].isalnum():
        raise invalid("clone_prompt.prompt_text", "clone_prompt.prompt_text must end with a punctuation mark")
    return PromptSample(files(prompt.prompt_audio, PROMPT_PURPOSE, "clone_prompt.prompt_audio"), prompt.prompt_text)


def speech(
    *, model: str, text: str, voice_setting: dict | None, audio_setting: dict | None, language_boost: str | None,
    watermark: bool, voice_modify: dict | None = None, pronunciation: dict | None = None, stream: bool = False,
    formats: tuple[str, ...] = mm.SYNC_FORMATS, subtitles: Subtitles | None = None, output_format: str = "hex",
    exclude_aggregated: bool = False, rate_field: str = "sample_rate",
) -> tuple[SpeechRequest, dict]:
    setting = voice_setting or {}
    voice_id = setting.get("voice_id")
    if not voice_id:
        raise invalid(VOICE_FIELD, f"{VOICE_FIELD} is required")
    cleaned = mm.clean_text(text)
    spoken = mm.apply_tone_rules(cleaned.text, mm.parse_tone_rules((pronunciation or {}).get("tone")))
    script = mm.speech_script(spoken, strip_interjections=mm.strips_interjections(model))
    chosen = controls.Controls(
        speed=controls.check_speed(setting.get("speed"), "voice_setting.speed"),
        volume=controls.check_volume(setting.get("vol"), "voice_setting.vol"),
        pitch=controls.check_pitch(setting.get("pitch"), "voice_setting.pitch"),
        emotion=mm.check_emotion(setting.get("emotion"), model),
    )
    request = SpeechRequest(
        voice=voice_id, script=script, text=spoken, characters=mm.usage_characters(cleaned.text),
        language=mm.language_of(language_boost), controls=chosen, effects=controls.check_effects(voice_modify),
        output=mm.audio_spec(audio_setting, formats=formats, rate_field=rate_field).to_output(), subtitles=subtitles,
        stream=STREAM_PIECES if stream else None, watermark=watermark,
    )
    wire = {"output_format": output_format, "exclude_aggregated_audio": exclude_aggregated,
            "invisible_character_ratio": cleaned.invisible_ratio, "word_count": mm.word_count(cleaned.text)}
    return request, wire


def _subtitles(subtitle_type: str) -> Subtitles:
    return Subtitles("json", words=subtitle_type != "sentence")
