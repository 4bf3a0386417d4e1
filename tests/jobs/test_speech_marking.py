"""Which outputs the speech job marks, and with what: its task's mark id under the first watermark key, in whole
files and in streams marked piece by piece; none when the operator turns marking off; a caller's opt-out only
where the operator allows it. The engine here replays a real recording sentence by sentence."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import soundfile

from soundclone.domain.requests import STREAM_CONTINUOUS, SpeechRequest
from soundclone.domain.text import Speech
from soundclone.jobs.context import JobContext, decode_limits_from, fetch_policy_from
from soundclone.jobs.speech import speak
from soundclone.media.resample import resample_mono
from soundclone.media.watermark import detect
from soundclone.speech.engine import AudioChunk, VoiceProfile
from soundclone.speech.profile import STYLE_DIM
from soundclone.store import tasks
from soundclone.store.blobs import LocalBlobStore
from soundclone.store.db import transaction
from tests.conftest import REFERENCE_WAV, make_customer
from tests.media.builders import decoded_mono

RATE = 24_000
SENTENCE_S = 4.0
SENTENCES = ("One.", "Two.", "Three.")
KEYS = "new:the-marking-key-of-today,old:the-key-of-last-year"


class ReplayEngine:
    """Speaks each sentence as the next SENTENCE_S of a real recording."""

    name = "replay"
    sample_rate = RATE

    def __init__(self) -> None:
        samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
        self.speech, self.next = resample_mono(samples, rate, RATE), 0

    def synthesize(self, text, voice, options):  # noqa: ANN001, ANN201
        size = int(SENTENCE_S * RATE)
        piece, self.next = self.speech[self.next:self.next + size], self.next + size
        yield AudioChunk(piece, RATE, text, ())


def run(settings, sessions, clock, *, requested=True, stream=None, **overrides):
    settings = settings.model_copy(update={"watermark_keys": KEYS, **overrides})
    customer = make_customer(sessions, balance=10**9, now=clock())
    with transaction(sessions) as session:
        task = tasks.create_task(session, task_id=f"task-{customer.account_id}", account_id=customer.account_id,
                                 kind="speech", request={}, cost=0, now=clock(), due_in=timedelta(minutes=1))
    ctx = JobContext(settings=settings, sessions=sessions, blobs=LocalBlobStore(settings.blob_dir),
                     engine=ReplayEngine(), clock=clock, fetch_policy=fetch_policy_from(settings),
                     decode_limits=decode_limits_from(settings))
    request = SpeechRequest(voice="replay", script=tuple(Speech(s) for s in SENTENCES), text=" ".join(SENTENCES),
                            characters=13, language="en", stream=stream, watermark=requested)
    voice = VoiceProfile(engine="replay", style=np.zeros((1, STYLE_DIM), np.float32))
    result = speak(ctx, task, request, voice)
    with transaction(sessions) as session:
        mark_id = tasks.get_task(session, task_id=task.id).mark_id
    found = detect(*decoded_mono(ctx.blobs.get(result.audio.key)), settings.watermark_keyring)
    return found, mark_id


@pytest.mark.parametrize("stream", [None, STREAM_CONTINUOUS])
def test_the_output_carries_its_tasks_mark_id_under_the_first_key(settings, sessions, clock, stream):
    found, mark_id = run(settings, sessions, clock, stream=stream)
    assert mark_id is not None and found.marked and (found.key_id, found.mark_id) == ("new", mark_id)


def test_the_operator_can_turn_marking_off(settings, sessions, clock):
    found, mark_id = run(settings, sessions, clock, requested=True, watermark=False)
    assert not found.marked and mark_id is None


def test_a_callers_opt_out_is_honoured_only_where_the_operator_allows_it(settings, sessions, clock):
    refused, _ = run(settings, sessions, clock, requested=False)
    honoured, mark_id = run(settings, sessions, clock, requested=False, watermark_opt_out=True)
    assert refused.marked
    assert not honoured.marked and mark_id is None
