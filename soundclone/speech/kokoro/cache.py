"""Files the engine computes once per model directory and keeps beside the model (pack embeddings and
statistics, start-voice log-mels). Several workers may compute the same file at once and any of them may be
killed mid-write, so a file is replaced whole or not at all, and one that cannot be read is computed again."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_table(path: Path, keys) -> dict | None:  # noqa: ANN001
    """The cached JSON object's entries for `keys` if it is readable and has them all (a table computed for more
    packs serves a subset of them); None otherwise."""
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    wanted = set(keys)
    if not isinstance(cached, dict) or not wanted <= set(cached):
        return None
    return {key: cached[key] for key in cached if key in wanted}


def write_table(path: Path, table: dict) -> None:
    write_atomically(path, json.dumps(table).encode("utf-8"))


def read_matrix(path: Path) -> np.ndarray | None:
    """The cached float32 matrix, or None when it is missing, unreadable or not finite."""
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    return array if array.ndim == 2 and array.dtype == np.float32 and np.isfinite(array).all() else None


def write_matrix(path: Path, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, dtype=np.float32), allow_pickle=False)
    write_atomically(path, buffer.getvalue())
