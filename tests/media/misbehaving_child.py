"""Stands in for soundclone.media.decode_child in tests: misbehaves as the media file's name says."""

import json
import os
import signal
import sys
import time
from pathlib import Path

request = json.loads(sys.stdin.read())
name = Path(request["path"]).name
Path(request["path"] + ".pid").write_text(str(os.getpid()))
if name.startswith("segfault"):
    os.kill(os.getpid(), signal.SIGSEGV)
elif name.startswith("hang"):
    time.sleep(120)
elif name.startswith("environment"):
    Path(request["path"] + ".env").write_text(json.dumps(dict(os.environ)))
    print(json.dumps({"error": "environment written"}))
elif name.startswith("garbage"):
    print("not json")
    print("FFmpeg said something alarming", file=sys.stderr)
    sys.exit(3)
elif name.startswith("leaky"):  # a child that answers with internals in its message
    print(json.dumps({"error": f'Traceback (most recent call last):\n  File "{__file__}", line 1, in <module>'}))
elif name.startswith("spin"):  # burns CPU under the real child's limits
    from soundclone.media.decode_child import _limit_resources

    _limit_resources(request)
    while True:
        pass
