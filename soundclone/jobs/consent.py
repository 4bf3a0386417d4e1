"""The consent check: a recording must hold speech, say its language's consent phrase, and yield a voice print of
its speaker; then the consent is recorded (what was to be said, what was heard, the speaker's print)."""

from __future__ import annotations

import hashlib

from soundclone.domain.cloning import ANALYSIS_RATE
from soundclone.domain.consent import MIN_SPEECH_S
from soundclone.domain.ids import consent_id_for_task
from soundclone.domain.records import ConsentResult, ConsentTask
from soundclone.jobs.context import JobContext, TaskFailure
from soundclone.media.decode import decode_audio
from soundclone.media.vad import detect_speech, speech_only
from soundclone.speech import asr, verification
from soundclone.speech.consent_check import heard_the_phrase
from soundclone.store import consents
from soundclone.store.db import transaction
from soundclone.store.models import Task

FIELD = "recording"
SHOWN_TRANSCRIPT_CHARS = 200


def run_consent(ctx: JobContext, task: Task, record: ConsentTask) -> ConsentResult:
    request = record.request
    with ctx.blobs.local_copy(request.recording_key) as path:
        audio = decode_audio(path, sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits)
    activity = detect_speech(audio.samples, ANALYSIS_RATE)
    if activity.speech_s < MIN_SPEECH_S:
        raise TaskFailure(f"the recording holds {activity.speech_s:.1f} s of speech; read the consent phrase aloud "
                          "(GET /v1/audio/consent_phrases)", field=FIELD)
    speech = speech_only(audio.samples, ANALYSIS_RATE, activity)
    heard = asr.transcribe(speech, ANALYSIS_RATE, cache=ctx.settings.resolved_model_dir,
                           language=request.phrase_language).text
    check = heard_the_phrase(heard, request.phrase_language)
    if not check.matches:
        raise TaskFailure(f"the recording does not say the consent phrase for {request.language}: it says "
                          f"{heard[:SHOWN_TRANSCRIPT_CHARS]!r} ({check.distance:.0%} off; read the phrase as published)",
                          field=FIELD)
    try:
        voice_print = verification.voice_print(speech, ANALYSIS_RATE)
    except verification.NotEnoughSpeech as error:
        raise TaskFailure(str(error), field=FIELD) from None
    consent_id = consent_id_for_task(task.id)
    with transaction(ctx.sessions) as session:
        consents.create_consent(
            session, consent_id=consent_id, account_id=task.account_id, name=request.name, language=request.language,
            phrase=request.phrase, transcript=heard, phrase_distance=check.distance, voice_print=voice_print.to_json(),
            recording_key=request.recording_key,
            recording_sha256=hashlib.sha256(ctx.blobs.get(request.recording_key)).hexdigest(), task_id=task.id,
            now=ctx.clock(),
        )
    return ConsentResult(consent_id)
