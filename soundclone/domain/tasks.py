"""Task kinds and the task state machine: queued -> processing -> completed | failed."""

from __future__ import annotations

import enum


class TaskStatus(str, enum.Enum):
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class TaskKind(str, enum.Enum):
    CLONE = "soundCloningClone"
    AUDIO = "soundCloningAudio"
    VOICE_CLONE = "minimaxVoiceClone"
    SPEECH = "minimaxSpeech"
    OPENAI_SPEECH = "openaiSpeech"
    OPENAI_VOICE = "openaiVoice"
    OPENAI_CONSENT = "openaiConsent"
    VOICE_REFINE = "voiceRefine"          # the service's own: a draft voice refined in the background


SOUNDCLONE_KINDS = frozenset({TaskKind.CLONE.value, TaskKind.AUDIO.value})
ALL_KINDS = frozenset(kind.value for kind in TaskKind)


TERMINAL = frozenset({TaskStatus.COMPLETED, TaskStatus.FAILED})
# A retry after a lost lease keeps the task "processing": clients never see a step back.
_ALLOWED = {
    TaskStatus.QUEUED: frozenset({TaskStatus.PROCESSING, TaskStatus.FAILED}),
    TaskStatus.PROCESSING: frozenset({TaskStatus.COMPLETED, TaskStatus.FAILED}),
    TaskStatus.COMPLETED: frozenset(),
    TaskStatus.FAILED: frozenset(),
}


class TransitionError(ValueError):
    pass


def can_move(current: TaskStatus, target: TaskStatus) -> bool:
    return target in _ALLOWED[current]


def check_move(current: TaskStatus, target: TaskStatus) -> None:
    if not can_move(current, target):
        raise TransitionError(f"a {current.value} task cannot become {target.value}")


def interrupted_message(attempts: int, cost: int) -> str:
    """What a task failed for too many interruptions says; a free task (a background refinement) has no refund."""
    refund = "it was refunded, please try again" if cost else "please try again"
    return f"the task was interrupted {attempts} times; {refund}"
