"""`soundclone watermark detect FILE`, as an operator runs it: the task and account a marked file came from."""

from datetime import timedelta

import soundfile
from click.testing import CliRunner

from soundclone.cli import main
from soundclone.media.encode import encode_audio
from soundclone.media.resample import resample_mono
from soundclone.media.watermark import embed
from soundclone.settings import parse_watermark_keys
from soundclone.store import tasks
from soundclone.store.db import transaction
from tests.conftest import REFERENCE_WAV, make_customer

RATE = 24_000
KEYS = "b:the-current-key-for-marking,a:the-key-before-rotation"


def test_detect_names_the_task_and_account_of_a_marked_file_and_says_when_one_is_not(settings, sessions, clock,
                                                                                      tmp_path):
    customer = make_customer(sessions, balance=0, now=clock())
    with transaction(sessions) as session:
        tasks.create_task(session, task_id="audio_cli_probe", account_id=customer.account_id, kind="soundCloning",
                          request={}, cost=0, now=clock(), due_in=timedelta(minutes=1))
        mark_id = tasks.mark_id_for_task(session, task_id="audio_cli_probe")
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
    speech = resample_mono(samples, rate, RATE)[:10 * RATE]
    marked, plain = tmp_path / "marked.mp3", tmp_path / "plain.mp3"
    marked.write_bytes(encode_audio(embed(speech, RATE, key=parse_watermark_keys(KEYS)["a"], mark_id=mark_id), RATE,
                                    fmt="mp3"))
    plain.write_bytes(encode_audio(speech, RATE, fmt="mp3"))
    env = {"SOUNDCLONE_DATA_DIR": str(settings.data_dir), "SOUNDCLONE_WATERMARK_KEYS": KEYS}
    found = CliRunner().invoke(main, ["watermark", "detect", str(marked)], env=env)
    assert found.exit_code == 0, found.output
    assert f"mark id {mark_id}" in found.output and "key a" in found.output
    assert f"task audio_cli_probe (soundCloning) of account {customer.account_id}" in found.output
    missing = CliRunner().invoke(main, ["watermark", "detect", str(plain)], env=env)
    assert missing.exit_code == 1 and "not marked" in missing.output
