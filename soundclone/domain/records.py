"""How a task's request and result are stored: typed, versioned, and read back whatever version wrote them.

A task row keeps `request` and `result` as JSON. Since format 2 each is `{"v": 2, ...}` written from the typed
records below; rows written before (no "v") are read by the legacy readers at the end of this module, by the
task kind that wrote them, so tasks in flight during an upgrade still run and old results still answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from soundclone.domain.cloning import SOUNDCLONE_SPEECH, SPEECH_RULES, MINIMAX_SPEECH
from soundclone.domain.controls import Controls, Effects
from soundclone.domain.errors import ErrorKind
from soundclone.domain.pricing import PricePlan
from soundclone.domain.requests import (
    STREAM_PIECES, Archive, AudioOutput, CloneRequest, CloneSource, ConsentRequest, PromptSample, SpeechRequest,
    Subtitles,
)
from soundclone.domain.tasks import TaskKind
from soundclone.domain.text import (
    Pause, Segment, Speech, billable_characters, paragraph_script, parse_script, strip_interjections,
)
from soundclone.domain.voices import MINIMAX_CLONE, PREVIEW, lifetime_of

FORMAT = 2
LEGACY_ENGINE_RATE = 24_000   # what format-1 SoundClone outputs were encoded at (the engine's own rate)


class RecordError(ValueError):
    """A stored row that cannot be read (a bug or a foreign writer, never a user's input)."""


# ---- requests --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VoiceRef:
    """The voice a speech task speaks with, resolved when the task was accepted."""

    kind: str     # "clone": a voice row's id; "system": a system voice id; "named": resolve by name when run
    id: str
    profile_key: str | None = None   # a clone's profile as it was when the task was accepted (draft or refined)
    quality: str | None = None       # that profile's stage


@dataclass(frozen=True)
class SpeechTask:
    request: SpeechRequest
    voice: VoiceRef
    plan: PricePlan
    wire: dict[str, Any] = field(default_factory=dict)   # the dialect's own reply options; the core never reads it


@dataclass(frozen=True)
class CloneTask:
    request: CloneRequest
    plan: PricePlan
    wire: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsentTask:
    request: ConsentRequest
    plan: PricePlan
    wire: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefineTask:
    voice_id: str
    plan: PricePlan = PricePlan.SERVICE_REFINE
    wire: dict[str, Any] = field(default_factory=dict)


TaskRecord = SpeechTask | CloneTask | ConsentTask | RefineTask


def dump_record(record: TaskRecord) -> dict:
    if isinstance(record, SpeechTask):
        return {"v": FORMAT, "op": "speech", "plan": record.plan.value, "voice": vars(record.voice),
                "speech": _dump_speech(record.request), "wire": record.wire}
    if isinstance(record, RefineTask):
        return {"v": FORMAT, "op": "refine", "plan": record.plan.value, "voice_id": record.voice_id, "wire": record.wire}
    if isinstance(record, ConsentTask):
        return {"v": FORMAT, "op": "consent", "plan": record.plan.value, "consent": vars(record.request),
                "wire": record.wire}
    return {"v": FORMAT, "op": "clone", "plan": record.plan.value, "clone": _dump_clone(record.request),
            "wire": record.wire}


def load_record(kind: str, data: dict) -> TaskRecord:
    if data.get("v") is None:
        return _legacy_record(kind, data)
    if data["v"] != FORMAT:
        raise RecordError(f"task request format {data['v']} is newer than this build reads ({FORMAT})")
    plan = PricePlan(data["plan"])
    if data["op"] == "speech":
        return SpeechTask(_load_speech(data["speech"]), VoiceRef(**data["voice"]), plan, data.get("wire", {}))
    if data["op"] == "refine":
        return RefineTask(data["voice_id"], plan, data.get("wire", {}))
    if data["op"] == "consent":
        return ConsentTask(ConsentRequest(**data["consent"]), plan, data.get("wire", {}))
    return CloneTask(_load_clone(data["clone"]), plan, data.get("wire", {}))


def _dump_speech(request: SpeechRequest) -> dict:
    return {
        "voice": request.voice, "script": [_dump_segment(s) for s in request.script], "text": request.text,
        "characters": request.characters, "language": request.language, "controls": vars(request.controls),
        "effects": vars(request.effects), "output": vars(request.output),
        "subtitles": vars(request.subtitles) if request.subtitles else None, "stream": request.stream,
        "watermark": request.watermark,
        "archive": vars(request.archive) if request.archive else None,
    }


def _load_speech(data: dict) -> SpeechRequest:
    return SpeechRequest(
        voice=data["voice"], script=tuple(_load_segment(s) for s in data["script"]), text=data["text"],
        characters=data["characters"], language=data["language"], controls=Controls(**data["controls"]),
        effects=Effects(**data["effects"]), output=AudioOutput(**data["output"]),
        subtitles=Subtitles(**data["subtitles"]) if data["subtitles"] else None, stream=data["stream"],
        watermark=data["watermark"], archive=Archive(**data["archive"]) if data["archive"] else None,
    )


def _dump_segment(segment: Segment) -> dict:
    return {"pause": segment.seconds} if isinstance(segment, Pause) else {"speech": segment.text}


def _load_segment(data: dict) -> Segment:
    return Pause(data["pause"]) if "pause" in data else Speech(data["speech"])


def _dump_clone(request: CloneRequest) -> dict:
    return {
        "source": vars(request.source), "speech_rule": request.speech_rule.name, "lifetime_days": request.lifetime.days,
        "name": request.name, "noise_reduction": request.noise_reduction,
        "volume_normalization": request.volume_normalization,
        "prompt": vars(request.prompt) if request.prompt else None,
        "preview": _dump_speech(request.preview) if request.preview else None,
        "consent_id": request.consent_id, "label": request.label,
    }


def _load_clone(data: dict) -> CloneRequest:
    return CloneRequest(
        source=CloneSource(**data["source"]), speech_rule=SPEECH_RULES[data["speech_rule"]],
        lifetime=lifetime_of(data["lifetime_days"]), name=data["name"], noise_reduction=data["noise_reduction"],
        volume_normalization=data["volume_normalization"],
        prompt=PromptSample(**data["prompt"]) if data["prompt"] else None,
        preview=_load_speech(data["preview"]) if data["preview"] else None,
        consent_id=data.get("consent_id"), label=data.get("label"),
    )


# ---- results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AudioFile:
    key: str
    format: str
    sample_rate: int
    bitrate: int
    channels: int
    size: int
    duration_ms: int


@dataclass(frozen=True)
class SpeechResult:
    audio: AudioFile
    characters: int
    subtitles_key: str | None = None
    chunks: int = 0                      # streamed pieces published
    archive_file_id: int | None = None
    voice_quality: str | None = None     # a clone's stage when it spoke (draft, refined); None for system voices

    def facts(self) -> dict[str, Any]:
        """The audio's facts under the names clients read them by (MiniMax's extra_info names them so)."""
        audio = self.audio
        return {"audio_length": audio.duration_ms, "audio_sample_rate": audio.sample_rate, "audio_size": audio.size,
                "bitrate": audio.bitrate, "audio_format": audio.format, "audio_channel": audio.channels,
                "usage_characters": self.characters}


@dataclass(frozen=True)
class CloneResult:
    voice_id: str
    preview: SpeechResult | None = None


@dataclass(frozen=True)
class ConsentResult:
    consent_id: str


@dataclass(frozen=True)
class RefineResult:
    voice_id: str
    refined: bool     # False when the voice was deleted before its refinement was ready


@dataclass(frozen=True)
class Failure:
    kind: ErrorKind
    field: str | None = None    # the request field the failure is about, when there is one


TaskResult = SpeechResult | CloneResult | ConsentResult | RefineResult | Failure


def dump_result(result: TaskResult) -> dict:
    if isinstance(result, Failure):
        return {"v": FORMAT, "failure": result.kind.value, "field": result.field}
    if isinstance(result, ConsentResult):
        return {"v": FORMAT, "consent_id": result.consent_id}
    if isinstance(result, RefineResult):
        return {"v": FORMAT, "refined_voice": result.voice_id, "refined": result.refined}
    if isinstance(result, CloneResult):
        return {"v": FORMAT, "voice_id": result.voice_id,
                "preview": _dump_speech_result(result.preview) if result.preview else None}
    return {"v": FORMAT, **_dump_speech_result(result)}


def load_result(kind: str, data: dict | None) -> TaskResult | None:
    if data is None:
        return None
    if data.get("v") is None:
        return _legacy_result(kind, data)
    if "failure" in data:
        return Failure(ErrorKind(data["failure"]), data.get("field"))
    if "consent_id" in data:
        return ConsentResult(data["consent_id"])
    if "refined_voice" in data:
        return RefineResult(data["refined_voice"], data["refined"])
    if "voice_id" in data:
        return CloneResult(data["voice_id"], _load_speech_result(data["preview"]) if data["preview"] else None)
    return _load_speech_result(data)


def _dump_speech_result(result: SpeechResult) -> dict:
    return {"audio": vars(result.audio), "characters": result.characters, "subtitles_key": result.subtitles_key,
            "chunks": result.chunks, "archive_file_id": result.archive_file_id, "voice_quality": result.voice_quality}


def _load_speech_result(data: dict) -> SpeechResult:
    return SpeechResult(AudioFile(**data["audio"]), data["characters"], data["subtitles_key"], data["chunks"],
                        data["archive_file_id"], data.get("voice_quality"))


# ---- rows written before format 2 ------------------------------------------------------------------

def _legacy_record(kind: str, data: dict) -> TaskRecord:
    if kind == TaskKind.CLONE.value:
        preview = _legacy_soundclone_speech(data, voice="")
        source = CloneSource(url=data["fileUrl"])
        return CloneTask(CloneRequest(source, SOUNDCLONE_SPEECH, PREVIEW, preview=preview), PricePlan.SOUNDCLONE_CLONE)
    if kind == TaskKind.AUDIO.value:
        request = _legacy_soundclone_speech(data, voice=data["modelId"])
        return SpeechTask(request, VoiceRef("named", data["modelId"]), PricePlan.SOUNDCLONE_AUDIO)
    if kind == TaskKind.VOICE_CLONE.value:
        return _legacy_minimax_clone(data)
    if kind == TaskKind.SPEECH.value:
        order = data["order"]
        archive = Archive(data["outputFileId"], _legacy_details(order)) if data.get("async") else None
        request = _legacy_minimax_speech(order, archive=archive)
        return SpeechTask(request, VoiceRef("named", order["voice_id"]), PricePlan.MINIMAX_SPEECH, _legacy_wire(order))
    raise RecordError(f"no reader for a format-1 task of kind {kind!r}")


def _legacy_soundclone_speech(data: dict, *, voice: str) -> SpeechRequest:
    text = data["contentText"]
    subtitles = Subtitles("srt", words=data.get("subtitleType") == "word") if data.get("subtitleEnable") else None
    controls = Controls(data.get("speed", 1.0), data.get("vol", 1.0), data.get("pitch", 0), data.get("emotion", "neutral"))
    return SpeechRequest(voice=voice, script=parse_script(text), text=text, characters=billable_characters(text),
                         language=data["language"], controls=controls, subtitles=subtitles)


def _legacy_minimax_clone(data: dict) -> CloneTask:
    prompt = PromptSample(data["promptKey"], data["promptText"]) if data.get("promptKey") else None
    preview = _legacy_minimax_speech(data["demo"], archive=None, voice="") if data.get("demo") else None
    request = CloneRequest(
        CloneSource(blob_key=data["fileKey"]), MINIMAX_SPEECH, MINIMAX_CLONE, name=data["name"],
        noise_reduction=data.get("noiseReduction", False), volume_normalization=data.get("volumeNormalization", False),
        prompt=prompt, preview=preview,
    )
    return CloneTask(request, PricePlan.MINIMAX_CLONE, _legacy_wire(data["demo"]) if data.get("demo") else {})


def _legacy_minimax_speech(order: dict, *, archive: Archive | None, voice: str | None = None) -> SpeechRequest:
    text = order["text"]
    spoken = strip_interjections(text) if order["model"].startswith("speech-2.8") else text
    modify = order.get("voice_modify") or {}
    effects = Effects(modify.get("pitch", 0), modify.get("intensity", 0), modify.get("timbre", 0),
                      modify.get("sound_effects"))
    audio = order["audio"]
    wants_subtitles = order.get("subtitle") or archive is not None
    return SpeechRequest(
        voice=order["voice_id"] if voice is None else voice, script=paragraph_script(spoken), text=text,
        characters=order["usage_characters"], language=order["language"],
        controls=Controls(order["speed"], order["vol"], order["pitch"], order["emotion"]), effects=effects,
        output=AudioOutput(audio["format"], audio["sample_rate"], audio["bitrate"], audio["channel"]),
        subtitles=Subtitles("json", words=order.get("subtitle_type", "sentence") != "sentence") if wants_subtitles else None,
        stream=STREAM_PIECES if order.get("stream") else None, watermark=order.get("watermark") is not False,
        archive=archive,
    )


def _legacy_details(order: dict) -> dict:
    return {"invisible_character_ratio": order.get("invisible_ratio", 0.0), "word_count": order.get("word_count", 0)}


def _legacy_wire(order: dict) -> dict:
    return {"output_format": order.get("output_format", "hex"), "subtitle": bool(order.get("subtitle")),
            "exclude_aggregated_audio": order.get("exclude_aggregated_audio", False), **_legacy_details(order)}


def _legacy_result(kind: str, data: dict) -> TaskResult:
    if "errorKind" in data:
        return Failure(_legacy_failure_kind(kind, data["errorKind"]))
    audio = _legacy_speech_result(data) if "audioKey" in data else None
    if kind in (TaskKind.CLONE.value, TaskKind.VOICE_CLONE.value):
        return CloneResult(data.get("modelId") or data["voiceId"], audio)
    if audio is None:
        raise RecordError(f"a format-1 {kind} result without audio")
    return audio


def _legacy_failure_kind(kind: str, name: str) -> ErrorKind:
    if name == ErrorKind.INTERNAL.value:
        return ErrorKind.TASK_FAILED
    if name == ErrorKind.NOT_FOUND.value and kind == TaskKind.SPEECH.value:
        return ErrorKind.VOICE_NOT_FOUND   # the only not-found a format-1 speech task reported
    return ErrorKind(name)


def _legacy_speech_result(data: dict) -> SpeechResult:
    extra = data.get("extraInfo") or {}
    duration_ms = extra.get("audio_length", round(data.get("durationS", 0.0) * 1000))
    audio = AudioFile(
        key=data["audioKey"], format=extra.get("audio_format", "mp3"),
        sample_rate=extra.get("audio_sample_rate", LEGACY_ENGINE_RATE), bitrate=extra.get("bitrate", 128_000),
        channels=extra.get("audio_channel", 1), size=extra.get("audio_size", 0), duration_ms=duration_ms,
    )
    return SpeechResult(audio, extra.get("usage_characters", 0), data.get("subtitleKey"), data.get("chunks", 0),
                        data.get("fileId"))
