"""The chaos benchmark, small: 2 API replicas and 2 workers on PostgreSQL + Redis + S3 (moto), a worker SIGKILLed and
one replica killed while a dozen tasks of every dialect run; the bench checks the books and exits 1 on a violation.

bench/chaos.py is the full version (3 workers, hundreds of tasks, clones); docs/deploy.md gives the commands both use.
"""

import subprocess
import sys

import pytest

from tests.conftest import MODEL_DIR, REFERENCE_WAV, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_small_scale_out_survives_killed_workers_and_a_killed_replica():
    if not REFERENCE_WAV.exists() or not MODEL_DIR.exists():
        pytest.fail("models or speech fixtures missing: run `make bench-models`")
    done = subprocess.run(
        [sys.executable, "bench/chaos.py", "--tasks", "12", "--workers", "2", "--clients", "4", "--clones", "0",
         "--kill-every", "3", "--min-life", "3", "--max-kills", "2", "--api-kill-at", "3", "--drain-timeout", "120",
         "--redis-url", "redis://127.0.0.1:6379/11"],
        cwd=ROOT, capture_output=True, text=True, timeout=560)
    report = done.stdout + done.stderr[-3000:]
    assert done.returncode == 0, report
    assert "checks: all passed" in done.stdout, report
    assert "worker kills" in done.stdout and " 0 worker kills" not in done.stdout, report
    assert "1 API replica kill" in done.stdout, report
