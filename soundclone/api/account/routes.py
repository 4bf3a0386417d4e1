"""`/api/v1/…`: the service (public), the account, its ledger and tasks, and the system voices."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Query

from soundclone.api.deps import CallerDep, StateDep
from soundclone.api.minimax import rules as minimax_rules
from soundclone.api.minimax import translate as minimax_translate
from soundclone.api.minimax.voices import ALIASES as MINIMAX_ALIASES
from soundclone.api.minimax.wire import T2ABody
from soundclone.api.openai.wire import ErrorBody
from soundclone.api.openai.voices import BUILT_IN as OPENAI_NAMES
from soundclone.api.state import ApiState
from soundclone.core.quotes import quote_speech
from soundclone.core.tasks import view
from soundclone.domain import consent, controls
from soundclone.domain.languages import ALL_LANGUAGES
from soundclone.domain.pricing import MICROS_PER_UNIT, PricePlan
from soundclone.domain.records import CloneResult, Failure, RefineResult, SpeechResult
from soundclone.domain.system_voices import system_voices
from soundclone.domain.voices import VoiceClock
from soundclone.store import accounts, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

PREFIX = "/api/v1"
LIMIT_DEFAULT, LIMIT_MAX = 20, 100
CONSOLE_MODEL = "speech-2.6-hd"   # a MiniMax model that takes every emotion (fluent and whisper need 2.6)
DIALECT_OF_KIND = {"soundCloning": "soundclone", "minimax": "minimax", "openai": "openai"}

router = APIRouter(prefix=PREFIX, tags=["Account and service"])


@router.get("/service", summary="What this service offers: operator, languages, consent languages, prices (no key)")
def service(state: StateDep) -> dict:
    return {
        "name": "soundclone", "operator": state.settings.operator_name,
        "languages": [{"code": code, "name": name} for name, code in ALL_LANGUAGES.items()],
        "consent_languages": list(consent.LANGUAGES), "prices": state.settings.price_table.prices,
        "micros_per_unit": MICROS_PER_UNIT, "consent_required": state.settings.require_consent,
        "speech_controls": {  # what `POST /v1/t2a_v2` accepts (the console builds its form from this)
            "speed": {"min": controls.SPEED_RANGE[0], "max": controls.SPEED_RANGE[1], "default": controls.DEFAULT_SPEED},
            "volume": {"min": 0, "max": controls.VOLUME_MAX, "default": controls.DEFAULT_VOLUME},
            "pitch": {"min": controls.PITCH_RANGE[0], "max": controls.PITCH_RANGE[1], "default": controls.DEFAULT_PITCH},
            "emotions": list(minimax_rules.EMOTIONS), "model": CONSOLE_MODEL,
            "formats": list(minimax_rules.STREAM_FORMATS),
        },
    }


@router.post("/quote/t2a_v2", summary="The price of a `POST /v1/t2a_v2` body, before it is made (nothing is charged)",
             description="Send the body you would send to `/v1/t2a_v2`. The answer is what accepting it now would "
                         "debit: the billable characters (Unicode code points without `<#x#>` pause markers) and each "
                         "charge in micro-units, including the clone fee when this would be a cloned voice's first "
                         "use. The body is checked as `/v1/t2a_v2` checks it (errors in OpenAI's shape, `param` "
                         "naming the field); the key's rate limit counts the call, its character limit does not.",
             responses={status: {"model": ErrorBody} for status in (400, 401, 429, 500)})
def quote_t2a(body: T2ABody, state: StateDep, caller: CallerDep) -> dict:
    request, _ = minimax_translate.t2a(body)
    quote = quote_speech(state, account_id=caller.account_id, request=request, plan=PricePlan.MINIMAX_SPEECH,
                         voice_field=minimax_translate.VOICE_FIELD, aliases=MINIMAX_ALIASES)
    return {"characters": quote.characters, "total": quote.total, "micros_per_unit": MICROS_PER_UNIT,
            "charges": [{"config": c.config_name, "quantity": c.quantity, "amount": c.amount} for c in quote.charges]}


@router.get("/account", summary="The calling key's account: balance and whether it may clone")
def account(state: StateDep, caller: CallerDep) -> dict:
    with transaction(state.sessions) as session:
        row = accounts.get_account(session, account_id=caller.account_id)
        return {"id": row.id, "name": row.name, "balance": row.balance, "clone_enabled": row.clone_enabled,
                "micros_per_unit": MICROS_PER_UNIT}


@router.get("/account/ledger", summary="The account's latest charges, refunds and top-ups, newest first")
def ledger(state: StateDep, caller: CallerDep, limit: int = Query(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)) -> dict:
    with transaction(state.sessions) as session:
        rows = accounts.recent_ledger(session, account_id=caller.account_id, limit=limit)
    return {"object": "list", "data": [
        {"id": row.id, "kind": row.kind, "amount": row.amount, "task_id": row.task_id,
         "created_at": int(row.created_at.timestamp()), "charges": (row.detail or {}).get("charges", [])}
        for row in rows]}


@router.get("/tasks", summary="The account's latest tasks of every dialect, newest first, with their files")
def recent_tasks(state: StateDep, caller: CallerDep, limit: int = Query(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)) -> dict:
    with transaction(state.sessions) as session:
        rows = tasks.recent_tasks(session, account_id=caller.account_id, limit=limit)
    return {"object": "list", "data": [task_object(state, row) for row in rows]}


@router.get("/voices/system", summary="The system voices, with the names other dialects know them by")
def system(state: StateDep, caller: CallerDep) -> dict:  # noqa: ARG001
    openai_names: dict[str, list[str]] = {}
    for name, voice_id in OPENAI_NAMES.items():
        openai_names.setdefault(voice_id, []).append(name)
    return {"object": "list", "data": [
        {"id": v.voice_id, "name": v.name, "language": v.language, "sex": v.sex,
         "description": ", ".join(v.description), "openai_names": openai_names.get(v.voice_id, []),
         "minimax_ids": sorted(alias for alias, target in MINIMAX_ALIASES.items() if target == v.voice_id)[:3]}
        for v in system_voices(state.settings.engine)]}


@router.get("/voices", summary="The account's cloned voices, newest first, with their expiry")
def own_voices(state: StateDep, caller: CallerDep) -> dict:
    with transaction(state.sessions) as session:
        rows = list(reversed(voices.voices_of(session, account_id=caller.account_id)))
    return {"object": "list", "data": [voice_object(row) for row in rows]}


def voice_object(row) -> dict:  # noqa: ANN001
    clock = VoiceClock(row.created_at, row.permanent, timedelta(days=row.lifetime_days))
    return {"id": row.id, "name": row.label or row.name or row.id, "created_at": int(row.created_at.timestamp()),
            "permanent": row.permanent, "dialect": row.dialect, "consent": row.consent_id, "quality": row.quality,
            "expires_at": int(clock.expires_at.timestamp()) if clock.expires_at else None}


def task_object(state: ApiState, row: Task) -> dict:
    task = view(row)
    item = {"id": row.id, "kind": row.kind, "dialect": _dialect(row.kind), "status": row.status, "error": row.error,
            "cost": row.cost, "created_at": int(row.created_at.timestamp()),
            "updated_at": int(row.updated_at.timestamp()), "audio_url": None, "subtitles_url": None,
            "voice_id": getattr(task.record, "voice_id", None),
            "characters": getattr(getattr(task.record, "request", None), "characters", 0)}
    speech = task.result
    if isinstance(speech, CloneResult):
        item["voice_id"], speech = speech.voice_id, speech.preview
    if isinstance(speech, SpeechResult):
        now = state.clock()
        item["audio_url"] = state.signer.url(speech.audio.key, now)
        item["subtitles_url"] = state.signer.url(speech.subtitles_key, now) if speech.subtitles_key else None
    if isinstance(task.result, RefineResult):
        item["refined"] = task.result.refined
    if isinstance(task.result, Failure):
        item["error_kind"] = task.result.kind.value
    return item


def _dialect(kind: str) -> str:
    return next((name for prefix, name in DIALECT_OF_KIND.items() if kind.startswith(prefix)), "service")
