"""Where things lie in blob storage. Keys are made here from ids the service made, never from user input."""

from __future__ import annotations


def audio_key(task_id: str, fmt: str) -> str:
    return f"tasks/{task_id}/audio.{fmt}"


def subtitles_key(task_id: str, fmt: str) -> str:
    return f"tasks/{task_id}/subtitles.{fmt}"


def stream_key(task_id: str, index: int, fmt: str) -> str:
    """Where the worker leaves a streaming task's n-th audio chunk for the API to send on."""
    return f"tasks/{task_id}/stream/{index:05d}.{fmt}"


def profile_key(voice_id: str) -> str:
    return f"voices/{voice_id}.profile"


def refined_profile_key(voice_id: str) -> str:
    return f"voices/{voice_id}.refined.profile"


def reference_speech_key(voice_id: str) -> str:
    """The reference's speech (16 kHz float32, .npy), kept until the voice is refined."""
    return f"voices/{voice_id}.reference.npy"


def archive_key(file_id: int) -> str:
    return f"files/{file_id}.tar"


def upload_key(file_id: int, extension: str) -> str:
    return f"uploads/{file_id}.{extension or 'bin'}"
