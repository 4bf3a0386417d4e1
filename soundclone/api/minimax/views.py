"""The core's tasks, files and voices as MiniMax replies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from soundclone.api.minimax.errors import SUCCESS, base_resp, error_body
from soundclone.api.state import ApiState
from soundclone.core import streams
from soundclone.core.tasks import TaskView
from soundclone.domain.errors import ServiceError
from soundclone.domain.records import CloneResult, SpeechResult
from soundclone.store.models import StoredFile

FILE_URL_TTL_S = 9 * 3600    # MiniMax: download links of files live 9 h
AUDIO_URL_TTL_S = 24 * 3600  # MiniMax: t2a audio URLs live 24 h
DEMO_FACTS = ("audio_length", "audio_sample_rate", "audio_size", "bitrate", "word_count", "usage_characters")


def trace_id(task: TaskView) -> str:
    return task.id.removeprefix("audio_")


def extra_info(result: SpeechResult, wire: dict) -> dict:
    facts = result.facts()
    info = {**{k: v for k, v in facts.items() if k != "usage_characters"},
            "invisible_character_ratio": wire.get("invisible_character_ratio", 0.0),
            "usage_characters": facts["usage_characters"], "word_count": wire.get("word_count", 0)}
    if result.voice_quality is not None:   # an extension: a clone speaks as a draft until it is refined
        info["voice_quality"] = result.voice_quality
    return info


def audio_reply(state: ApiState, task: TaskView) -> dict:
    result: SpeechResult = task.result
    wire = task.record.wire
    if wire.get("output_format") == "url":
        audio = state.signer.url(result.audio.key, state.clock(), ttl_s=AUDIO_URL_TTL_S)
    else:
        audio = state.blobs.get(result.audio.key).hex()
    data: dict[str, Any] = {"audio": audio, "status": 2}
    if result.subtitles_key and task.record.request.subtitles is not None:
        data["subtitle_file"] = state.signer.url(result.subtitles_key, state.clock(), ttl_s=AUDIO_URL_TTL_S)
    return {"data": data, "extra_info": extra_info(result, wire), "trace_id": trace_id(task), "base_resp": base_resp()}


def clone_reply(state: ApiState, task: TaskView) -> dict:
    result: CloneResult = task.result
    reply: dict[str, Any] = {"input_sensitive": False, "input_sensitive_type": 0, "demo_audio": "",
                             "base_resp": base_resp()}
    if result.preview is not None:
        reply["demo_audio"] = state.signer.url(result.preview.audio.key, state.clock(), ttl_s=AUDIO_URL_TTL_S)
        info = extra_info(result.preview, task.record.wire)
        reply["extra_info"] = {k: v for k, v in info.items() if k in DEMO_FACTS}
    return reply


def stream_events(state: ApiState, task: TaskView) -> Iterator[bytes]:
    """One event per published sentence as it appears, then the final one (or the failure)."""
    trace = trace_id(task)
    try:
        for item in streams.chunks(state, task, timeout_s=state.settings.sync_timeout_s):
            if isinstance(item, bytes):
                yield event({"data": {"audio": item.hex(), "status": 1}, "trace_id": trace,
                             "base_resp": base_resp(SUCCESS, "")})
                continue
            final = audio_reply(state, item)
            if task.record.wire.get("exclude_aggregated_audio"):
                final["data"]["audio"] = ""
            yield event(final)
    except ServiceError as error:
        yield event(error_body(error, trace_id=trace))


def event(payload: dict) -> bytes:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()


def file_object(row: StoredFile) -> dict:
    return {"file_id": row.id, "bytes": row.size, "created_at": int(row.created_at.timestamp()),
            "filename": row.filename, "purpose": row.purpose}

