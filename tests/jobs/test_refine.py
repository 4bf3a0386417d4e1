"""The refinement child process dies with its worker."""

import os
import signal
import subprocess
import sys
import time

PARENT = """
import subprocess, sys, time
from soundclone.jobs.refine import _child_setup
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=_child_setup)
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_sigkilled_worker_takes_its_refinement_child_with_it():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the refinement child outlived its worker"
