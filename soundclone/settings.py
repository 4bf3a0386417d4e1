"""One settings object, built once from the environment (prefix SOUNDCLONE_) and passed down."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from soundclone.domain.pricing import DEFAULT_PRICES, PriceTable
from soundclone.speech.defaults import DEFAULT_DRAFT_STEPS, DEFAULT_REFINE_STEPS

DEV_SECRET = "development-only-secret-change-me"
WATERMARK_SECRET_MIN = 16
DEV_WATERMARK_KEYS = "dev:development-only-watermark-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOUNDCLONE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str | None = None
    database_url: str | None = None
    blob_url: str | None = None    # s3://bucket/prefix?endpoint=…&region=… for object storage; else DATA_DIR/files
    queue_url: str = "sqlite"
    secret_key: str = DEV_SECRET

    engine: str = "kokoro"
    engine_threads: int = 2
    draft_steps: int = Field(DEFAULT_DRAFT_STEPS, ge=0, le=100)       # style-inversion steps before a clone can speak
    refine_steps: int = Field(DEFAULT_REFINE_STEPS, ge=0, le=1000)    # more steps in the background (0: none)
    model_dir: Path | None = None
    workers: int = 1
    worker_metrics_port: int = 0   # a worker serves Prometheus metrics here (0: not at all)

    allow_private_urls: bool = False
    fetch_max_bytes: int = 100 * 1024 * 1024
    fetch_deadline_s: float = 60.0
    fetch_max_redirects: int = 3
    decode_max_duration_s: float = 600.0
    decode_deadline_s: float = 120.0

    file_url_ttl_s: int = 24 * 3600
    task_lease_s: float = 60.0
    task_max_attempts: int = 3
    reaper_interval_s: float = 5.0
    # An upload that no file row, consent or unfinished task owns this long after it was written is removed (an API
    # replica that died between storing an upload and committing its task left it); each worker looks this often.
    upload_grace_s: float = Field(3600.0, ge=60)
    sweep_interval_s: float = Field(600.0, gt=0)

    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 21 * 1024 * 1024
    sync_timeout_s: float = 300.0
    characters_per_minute: int = 100_000
    rate_limit_per_minute: int = 120
    # how long a replica remembers a checked key (revocations reach every replica at once over the bus; this bounds
    # the delay when a notification is lost); 0 checks the database on every request
    key_cache_s: float = Field(30.0, ge=0)
    # how often a replica adds its requests to the shared per-minute count (api/auth.py)
    rate_count_flush_s: float = Field(1.0, gt=0)
    # threads for the API's short database work (api/deps.py); unset: 1 on SQLite, whose writes take turns anyway,
    # 4 on a database server, where round trips wait on the network
    short_work_threads: int | None = Field(None, ge=1, le=64)
    max_tasks_in_flight: int = 50

    # the name a consent phrase gives the one who may use the voice (GET /v1/audio/consent_phrases)
    operator_name: str = Field("soundclone", min_length=1, max_length=80)
    # a sample's speaker must score this much against its consent's (speech/verification.SAME_SPEAKER_THRESHOLD)
    consent_speaker_threshold: float = Field(0.82, gt=0, lt=1)
    # every clone, whatever the dialect, needs a verified consent whose speaker is the reference's
    require_consent: bool = False
    # a clone whose reference (or consent) scores this much against a protected voice is refused
    # (speech/verification.PROTECTED_VOICE_THRESHOLD; docs/speaker-verification.md, "Protected voices")
    protected_voice_threshold: float = Field(0.80, gt=0, lt=1)

    # every audio output carries a keyed mark that leads back to its task (docs/watermark.md)
    watermark: bool = True
    # "id:secret,id:secret": the first key marks, every key detects, so keys rotate and old files stay readable
    watermark_keys: str = DEV_WATERMARK_KEYS
    # a request may ask for no mark (MiniMax aigc_watermark: false); refused (marked anyway) unless this is on
    watermark_opt_out: bool = False

    prices: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        if self.env == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("SOUNDCLONE_SECRET_KEY must be set to a secret of your own in production")
        keyring = parse_watermark_keys(self.watermark_keys)
        if self.env == "production" and set(keyring.values()) & set(parse_watermark_keys(DEV_WATERMARK_KEYS).values()):
            raise ValueError("SOUNDCLONE_WATERMARK_KEYS must hold keys of your own in production")
        PriceTable(self.prices)
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'soundclone.db').resolve()}"

    @property
    def resolved_short_work_threads(self) -> int:
        if self.short_work_threads is not None:
            return self.short_work_threads
        return 1 if self.resolved_database_url.startswith("sqlite") else 4

    @property
    def resolved_public_base_url(self) -> str:
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def resolved_model_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def watermark_keyring(self) -> dict[str, str]:
        """Key id -> secret, the marking key first."""
        return parse_watermark_keys(self.watermark_keys)

    @property
    def price_table(self) -> PriceTable:
        return PriceTable(self.prices)


def parse_watermark_keys(text: str) -> dict[str, str]:
    """"id:secret,id:secret" as {id: secret}, in order; ids are short names, secrets at least 16 characters."""
    keyring: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        key_id, colon, secret = entry.partition(":")
        key_id = key_id.strip()
        if not colon or not key_id or len(key_id) > 32 or not key_id.replace("-", "").replace("_", "").isalnum():
            raise ValueError("SOUNDCLONE_WATERMARK_KEYS must be id:secret pairs separated by commas "
                             "(ids of letters, digits, - and _, up to 32)")
        if len(secret) < WATERMARK_SECRET_MIN:
            raise ValueError(f"SOUNDCLONE_WATERMARK_KEYS: the secret of key {key_id!r} must have at least "
                             f"{WATERMARK_SECRET_MIN} characters")
        if key_id in keyring:
            raise ValueError(f"SOUNDCLONE_WATERMARK_KEYS: key id {key_id!r} appears twice")
        keyring[key_id] = secret
    return keyring


def new_secret() -> str:
    return secrets.token_urlsafe(32)
