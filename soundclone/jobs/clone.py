"""The clone job, whatever the dialect asked: get the reference (fetched URL or uploaded file), clean it if
asked, check its speech, enroll a voice, speak its preview, and record the voice."""

from __future__ import annotations

import hashlib
import io
import logging
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
from soundclone.speech.engine import VoiceProfile
from soundclone.store import consents, voice_records, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

log = logging.getLogger(__name__)

def run_clone(ctx: JobContext, task: Task, record: CloneTask) -> CloneResult:
    request = record.request
    made = _made_before(ctx, task, request)
    if made is not None:
        return made
    reference, material, source_sha256 = _material(ctx, request)
    consent = _consent(ctx, task.account_id, request.consent_id) if request.consent_id else None
    sample = _print_if(bool(consent) or _has_protected(ctx), reference)
    _refuse_protected(ctx, task, record, sample, consent, source_sha256)
    speaker_score = _consenting_speaker(ctx, consent, sample) if consent else None
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
            reference_key=keys.reference_speech_key(voice_id) if refines else None, source_sha256=source_sha256,
        )
        refinement = submission.record_refinement(session, account_id=task.account_id, voice_id=voice_id,
                                                  now=ctx.clock()) if refines else None
    if refinement is not None:
        ctx.enqueue_background(refinement)
    return CloneResult(voice_id, preview)


def _made_before(ctx: JobContext, task: Task, request: CloneRequest) -> CloneResult | None:
    """An earlier attempt made the voice and was cut off before the task completed: only its preview is left to
    speak (enrolling again would overwrite the profile, bring back reference speech a refinement already used, and
    ask for a second refinement)."""
    voice_id = voice_id_for_task(task.id)
    with transaction(ctx.sessions) as session:
        voice = voices.get_voice(session, voice_id=voice_id)
    if voice is None or voice.deleted_at is not None:
        return None
    log.info("clone task %s: voice %s was made by an earlier attempt; only the preview is spoken", task.id, voice_id)
    preview = None
    if request.preview is not None:
        profile = VoiceProfile.from_bytes(ctx.blobs.get(voice.profile_key))
        preview = replace(speak(ctx, task, replace(request.preview, voice=voice_id), profile),
                          voice_quality=voice.quality)
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


def _material(ctx: JobContext, request: CloneRequest) -> tuple[np.ndarray, np.ndarray, str]:
    """The reference's speech, all the enrollment material (the reference's speech and a prompt's), and the
    SHA-256 of the reference file as it arrived."""
    audio, source_sha256 = _decoded(ctx, request.source)
    if request.noise_reduction:
        audio = denoise.reduce_noise(audio, ANALYSIS_RATE)
    if request.volume_normalization:
        audio = denoise.normalize_volume(audio, ANALYSIS_RATE)
    reference = reference_speech(audio, request.speech_rule)
    pieces = [reference]
    if request.prompt is not None:
        prompt, _ = _decoded(ctx, CloneSource(blob_key=request.prompt.blob_key))
        pieces.append(_checked_prompt(prompt, request.prompt.text))
    return reference, np.concatenate(pieces), source_sha256


def _consent(ctx: JobContext, account_id: int, consent_id: str):  # noqa: ANN202
    with transaction(ctx.sessions) as session:
        consent = consents.consent_for_account(session, consent_id=consent_id, account_id=account_id)
    if consent is None:
        raise TaskFailure(f"consent {consent_id} not found (deleted meanwhile?)", ErrorKind.NOT_FOUND, field="consent")
    return consent


def _has_protected(ctx: JobContext) -> bool:
    with transaction(ctx.sessions) as session:
        return bool(voice_records.protected(session))


def _print_if(needed: bool, speech: np.ndarray) -> verification.VoicePrint | None:
    """The reference's voice print, made only when a consent or the protected list needs it."""
    if not needed:
        return None
    try:
        return verification.voice_print(speech, ANALYSIS_RATE)
    except verification.NotEnoughSpeech as error:
        raise TaskFailure(str(error), field="audio_sample") from None


def _refuse_protected(ctx: JobContext, task: Task, record: CloneTask, sample: verification.VoicePrint | None,
                      consent, source_sha256: str) -> None:  # noqa: ANN001
    """A reference or consent that sounds like a protected voice makes no voice; the attempt is recorded."""
    if sample is None:
        return
    with transaction(ctx.sessions) as session:
        guarded = [(row.id, row.label, verification.VoicePrint.from_json(row.voice_print))
                   for row in voice_records.protected(session)]
    heard = [("reference", sample)] + ([("consent", verification.VoicePrint.from_json(consent.voice_print))]
                                       if consent is not None else [])
    threshold = ctx.settings.protected_voice_threshold
    for protected_id, label, guarded_print in guarded:
        for what, voice_print in heard:
            verdict = verification.verify(guarded_print, voice_print, threshold=threshold)
            if verdict.same:
                _record_refusal(ctx, task, record, source_sha256, consent, protected_id=protected_id, label=label,
                                what=what, score=verdict.score)
                raise TaskFailure("this voice cannot be cloned: it matches a voice the operator of this service "
                                  "protects", ErrorKind.VOICE_PROTECTED)


def _record_refusal(ctx: JobContext, task: Task, record: CloneTask, source_sha256: str, consent, *,  # noqa: ANN001
                    protected_id: str, label: str, what: str, score: float) -> None:
    log.warning("clone task %s of account %s refused: its %s matches protected voice %s (%s) at %.3f",
                task.id, task.account_id, what, protected_id, label, score)
    with transaction(ctx.sessions) as session:
        voice_records.record(session, event=voice_records.REFUSED_PROTECTED, account_id=task.account_id,
                             now=ctx.clock(), task_id=task.id, dialect=record.plan.dialect, source_sha256=source_sha256,
                             consent_id=consent.id if consent is not None else None,
                             detail={"protected_id": protected_id, "label": label, "matched": what,
                                     "score": round(score, 4)})


def _consenting_speaker(ctx: JobContext, consent, sample: verification.VoicePrint) -> float:  # noqa: ANN001
    """The sample's speaker must be the consent's speaker; the similarity is kept with the voice."""
    verdict = verification.verify(verification.VoicePrint.from_json(consent.voice_print), sample,
                                  threshold=ctx.settings.consent_speaker_threshold)
    if not verdict.same:
        raise TaskFailure(f"the sample's speaker is not the speaker of consent {consent.id} (similarity "
                          f"{verdict.score:.2f}; {verdict.threshold:.2f} or more is needed): the person who recorded "
                          "the consent must be the person in the sample", field="audio_sample")
    return round(verdict.score, 4)


def _decoded(ctx: JobContext, source: CloneSource) -> tuple[np.ndarray, str]:
    """The file's samples and the SHA-256 of its bytes as they arrived."""
    if source.blob_key is not None:
        with ctx.blobs.local_copy(source.blob_key) as path:
            return decode_audio(path, sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits).samples, _sha256(path)
    with tempfile.TemporaryDirectory(prefix="soundclone-") as tmp:
        fetched = fetch_to_file(source.url, Path(tmp) / "reference", policy=ctx.fetch_policy, resolver=ctx.resolver)
        samples = decode_audio(fetched.path, sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits).samples
        return samples, _sha256(fetched.path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
