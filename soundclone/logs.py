"""Logging for every process: plain lines, or JSON lines (SOUNDCLONE_LOG_FORMAT=json), each carrying the request
id of the HTTP request it belongs to and the task it is about, so one request can be followed from the API into
the worker that ran its task (the id is stored with the task)."""

from __future__ import annotations

import json
import logging
import os
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
TASK_ID: ContextVar[str | None] = ContextVar("task_id", default=None)
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class _Context(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.task_id = TASK_ID.get()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                "logger": record.name, "message": record.getMessage(), "pid": record.process}
        for name in ("request_id", "task_id"):
            if getattr(record, name, None):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure() -> None:
    """The root logger as the environment asks (SOUNDCLONE_LOG_LEVEL, SOUNDCLONE_LOG_FORMAT)."""
    handler = logging.StreamHandler()
    if os.environ.get("SOUNDCLONE_LOG_FORMAT", "plain").lower() == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    handler.addFilter(_Context())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("SOUNDCLONE_LOG_LEVEL", "INFO"))
    # httpx logs whole URLs, query strings included (a customer's presigned fileUrl is a secret)
    logging.getLogger("httpx").setLevel(logging.WARNING)
