from datetime import datetime, timedelta, timezone

import pytest

from soundclone.domain.ids import is_task_id, is_voice_id, new_task_id, voice_id_for_task
from soundclone.domain.tasks import TaskStatus, TransitionError, can_move, check_move
from soundclone.domain.voices import PREVIEW_LIFETIME, VoiceClock, VoiceState

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_preview_voice_lives_three_days():
    clock = VoiceClock(T0, permanent=False)
    assert clock.state(T0 + PREVIEW_LIFETIME - timedelta(seconds=1)) is VoiceState.PREVIEW
    assert clock.state(T0 + PREVIEW_LIFETIME) is VoiceState.EXPIRED
    assert not clock.usable(T0 + timedelta(days=4))


def test_permanent_voice_never_expires():
    assert VoiceClock(T0, permanent=True).state(T0 + timedelta(days=3650)) is VoiceState.PERMANENT


def test_task_states_only_move_forward():
    assert can_move(TaskStatus.QUEUED, TaskStatus.PROCESSING)
    assert can_move(TaskStatus.PROCESSING, TaskStatus.COMPLETED)
    for final in (TaskStatus.COMPLETED, TaskStatus.FAILED):
        for target in TaskStatus:
            with pytest.raises(TransitionError):
                check_move(final, target)
    assert not can_move(TaskStatus.QUEUED, TaskStatus.COMPLETED)


def test_ids():
    task_id = new_task_id()
    assert is_task_id(task_id) and task_id.startswith("audio_")
    assert voice_id_for_task(task_id) == voice_id_for_task(task_id)
    assert is_voice_id(voice_id_for_task(task_id)) and not is_task_id("audio_../../etc")
