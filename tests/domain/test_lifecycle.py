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


def test_first_use_makes_permanent_and_an_expired_voice_says_so():
    from soundclone.domain.errors import ErrorKind, ServiceError
    from soundclone.domain.voices import MINIMAX_CLONE, PREVIEW, first_use, lifetime_of

    fresh = VoiceClock(T0, permanent=False)
    assert first_use(fresh, T0, voice_name="v", days=3, field="modelId") is True
    assert first_use(VoiceClock(T0, permanent=True), T0 + timedelta(days=99), voice_name="v", days=3, field="f") is False
    with pytest.raises(ServiceError) as caught:
        first_use(fresh, T0 + timedelta(days=3), voice_name="v", days=3, field="modelId")
    assert caught.value.kind is ErrorKind.MODEL_EXPIRED and caught.value.field == "modelId"
    assert lifetime_of(3) is PREVIEW and lifetime_of(7) is MINIMAX_CLONE and MINIMAX_CLONE.deleted_on_expiry


def test_an_interrupted_task_mentions_a_refund_only_when_it_cost_something():
    from soundclone.domain.tasks import interrupted_message

    assert interrupted_message(5, 1200) == "the task was interrupted 5 times; it was refunded, please try again"
    assert interrupted_message(5, 0) == "the task was interrupted 5 times; please try again"
