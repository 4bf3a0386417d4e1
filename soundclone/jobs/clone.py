"""The clone job, whatever the dialect asked: get the reference (fetched URL or uploaded file), clean it if
asked, check its speech, enroll a voice, speak its preview, and record the voice."""

from __future__ import annotations

import io
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from soundclone.core import submission
from soundclone.domain import keys
from soundclone.domain.cloning import ANALYSIS_RATE, PROMPT_CHARS_PER_S, SpeechRule
from soundclone.domain.errors import ErrorKind
from soundclone.domain.ids import voice_id_for_task
from soundclone.domain.records import CloneResult, CloneTask
from soundclone.domain.voices import DRAFT, REFINED
from soundclone.domain.requests import CloneRequest, CloneSource
from soundclone.domain.text import spoken_units
from soundclone.jobs import metrics
from soundclone.jobs.context import JobContext, TaskFailure
from soundclone.jobs.speech import speak
from soundclone.media import denoise
from soundclone.media.decode import decode_audio
from soundclone.media.fetch import fetch_to_file
from soundclone.media.vad import detect_speech, speech_only
from soundclone.speech import verification
from soundclone.store import consents, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task


def run_clone(ctx: JobContext, task: Task, record: CloneTask) -> CloneResult:
    request = record.request
    reference, material = _material(ctx, request)
    speaker_score = _consenting_speaker(ctx, task.account_id, request.consent_id, reference) \
        if request.consent_id else None
    started = time.monotonic()
    profile = ctx.engine.enroll_draft(material, ANALYSIS_RATE)
    metrics.enrolled("draft", time.monotonic() - started)
    voice_id = voice_id_for_task(task.id)
    ctx.blobs.put(keys.profile_key(voice_id), profile.to_bytes())
    refines = ctx.settings.refine_steps > 0
    if refines:   # the speech it was drafted from, until the refinement has used it
        ctx.blobs.put(keys.reference_speech_key(voice_id), _npy(material))
    preview = None
    if request.preview is not None:
        preview = speak(ctx, task, replace(request.preview, voice=voice_id), profile)
        preview = replace(preview, voice_quality=DRAFT if refines else REFINED)
    with transaction(ctx.sessions) as session:
        voices.create_voice(
            session, voice_id=voice_id, account_id=task.account_id, engine=ctx.engine.name,
            profile_key=keys.profile_key(voice_id), source_task_id=task.id, now=ctx.clock(), name=request.name,
            lifetime_days=request.lifetime.days, permanent=request.lifetime.permanent_from_start,
            label=request.label, consent_id=request.consent_id, speaker_score=speaker_score,
            dialect=record.plan.dialect, quality=DRAFT if refines else REFINED,
            reference_key=keys.reference_speech_key(voice_id) if refines else None,
        )
        refinement = submission.record_refinement(session, account_id=task.account_id, voice_id=voice_id,
                                                  now=ctx.clock()) if refines else None
    if refinement is not None:
        ctx.enqueue_background(refinement)
    return CloneResult(voice_id, preview)


def _npy(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(samples, np.float32), allow_pickle=False)
    return buffer.getvalue()


def reference_speech(samples: np.ndarray, rule: SpeechRule) -> np.ndarray:
    """The speech of a reference, once it is enough for `rule` (the service and the CLI apply the same)."""
    activity = detect_speech(samples, ANALYSIS_RATE)
    problem = rule.problem(activity.speech_s)
    if problem is not None:
        raise TaskFailure(problem, rule.kind)
    return speech_only(samples, ANALYSIS_RATE, activity)


def _material(ctx: JobContext, request: CloneRequest) -> tuple[np.ndarray, np.ndarray]:
    """The reference's speech, and all the enrollment material (the reference's speech and a prompt's)."""
    audio = _decoded(ctx, request.source)
    if request.noise_reduction:
        audio = denoise.reduce_noise(audio, ANALYSIS_RATE)
    if request.volume_normalization:
        audio = denoise.normalize_volume(audio, ANALYSIS_RATE)
    reference = reference_speech(audio, request.speech_rule)
    pieces = [reference]
    if request.prompt is not None:
        prompt = _decoded(ctx, CloneSource(blob_key=request.prompt.blob_key))
        pieces.append(_checked_prompt(prompt, request.prompt.text))
    return reference, np.concatenate(pieces)


def _consenting_speaker(ctx: JobContext, account_id: int, consent_id: str, speech: np.ndarray) -> float:
    """The sample's speaker must be the consent's speaker; the similarity is kept with the voice."""
    with transaction(ctx.sessions) as session:
        consent = consents.consent_for_account(session, consent_id=consent_id, account_id=account_id)
    if consent is None:
        raise TaskFailure(f"consent {consent_id} not found (deleted meanwhile?)", ErrorKind.NOT_FOUND, field="consent")
    try:
        sample = verification.voice_print(speech, ANALYSIS_RATE)
        verdict = verification.verify(verification.VoicePrint.from_json(consent.voice_print), sample,
                                      threshold=ctx.settings.consent_speaker_threshold)
    except verification.NotEnoughSpeech as error:
        raise TaskFailure(str(error), field="audio_sample") from None
    if not verdict.same:
        raise TaskFailure(f"the sample's speaker is not the speaker of consent {consent_id} (similarity "
                          f"{verdict.score:.2f}; {verdict.threshold:.2f} or more is needed): the person who recorded "
                          "the consent must be the person in the sample", field="audio_sample")
    return round(verdict.score, 4)


def _decoded(ctx: JobContext, source: CloneSource) -> np.ndarray:
    if source.blob_key is not None:
        with ctx.blobs.local_copy(source.blob_key) as path:
            return decode_audio(path, sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits).samples
    with tempfile.TemporaryDirectory(prefix="soundclone-") as tmp:
        fetched = fetch_to_file(source.url, Path(tmp) / "reference", policy=ctx.fetch_policy, resolver=ctx.resolver)
        return decode_audio(fetched.path, sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits).samples


def _checked_prompt(audio: np.ndarray, text: str) -> np.ndarray:
    """A prompt joins the enrollment material once its transcript plausibly matches its speech."""
    activity = detect_speech(audio, ANALYSIS_RATE)
    units = spoken_units(text)
    rate = units / activity.speech_s if activity.speech_s else float("inf")
    low, high = PROMPT_CHARS_PER_S
    if not low <= rate <= high:
        raise TaskFailure(
            f"clone_prompt.prompt_text does not match prompt_audio: {units} letters or characters for "
            f"{activity.speech_s:.1f} s of speech", ErrorKind.PROMPT_MISMATCH,
        )
    return speech_only(audio, ANALYSIS_RATE, activity)
