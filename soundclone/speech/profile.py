"""A cloned voice as bytes: a versioned, self-checking format.

Layout: MAGIC, u16 version, u32 header length, UTF-8 JSON header, then the style table as
little-endian float32 rows x STYLE_DIM. The header records the table's shape and a sha256.
Version 2 added the voice's equalizer curve (speech/equalizer.py) to the header; version 3's sha256
covers the header's other fields as well as the table (before, a changed pitch or curve went unnoticed
if it stayed in range). Versions 1 and 2, whose sha256 covers the table alone, are still read; version 1
with a flat curve.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from dataclasses import dataclass, field

import numpy as np

from soundclone.speech import equalizer
from soundclone.speech.errors import VoiceProfileError

MAGIC = b"SCVP"
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
TABLE_ONLY_CHECKSUM_VERSIONS = (1, 2)
STYLE_DIM = 256
_PREFIX = struct.Struct("<4sHI")
MAX_HEADER_BYTES = 64 * 1024
MAX_ROWS = 4096


@dataclass(frozen=True)
class VoiceProfile:
    engine: str
    style: np.ndarray             # float32 [rows, STYLE_DIM]; row = token count - 1
    f0_scale: float = 1.0         # the voice's own pitch shift, applied before any requested pitch
    reference_f0_hz: float | None = None
    details: dict = field(default_factory=dict)  # how it was made (packs, weights, scores)
    equalizer_db: tuple[float, ...] = ()  # per band of equalizer.BAND_CENTERS_HZ; empty = flat

    def __post_init__(self) -> None:
        style = np.asarray(self.style, dtype=np.float32)
        if style.ndim != 2 or style.shape[1] != STYLE_DIM or not 1 <= style.shape[0] <= MAX_ROWS:
            raise VoiceProfileError(f"style table must be [rows, {STYLE_DIM}]; got {style.shape}")
        if not np.isfinite(style).all():
            raise VoiceProfileError("style table holds non-finite values")
        if not (math.isfinite(self.f0_scale) and 0.25 <= self.f0_scale <= 4.0):
            raise VoiceProfileError(f"f0_scale {self.f0_scale} is outside [0.25, 4]")
        object.__setattr__(self, "style", style)
        if len(self.equalizer_db):
            try:
                object.__setattr__(self, "equalizer_db", equalizer.checked_curve(self.equalizer_db))
            except ValueError as exc:
                raise VoiceProfileError(str(exc)) from None
        else:
            object.__setattr__(self, "equalizer_db", ())

    def style_for(self, token_count: int) -> np.ndarray:
        row = min(max(token_count - 1, 0), len(self.style) - 1)
        return self.style[row].reshape(1, STYLE_DIM)

    def to_bytes(self) -> bytes:
        table = np.ascontiguousarray(self.style, dtype="<f4").tobytes()
        fields = {
            "engine": self.engine, "rows": int(self.style.shape[0]), "f0_scale": self.f0_scale,
            "reference_f0_hz": self.reference_f0_hz, "details": self.details,
            "equalizer_db": [round(v, 3) for v in self.equalizer_db],
        }
        header = json.dumps({**fields, "sha256": _checksum(fields, table, FORMAT_VERSION)}).encode()
        return _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header)) + header + table

    @classmethod
    def from_bytes(cls, data: bytes) -> "VoiceProfile":
        if len(data) < _PREFIX.size:
            raise VoiceProfileError("voice profile is truncated")
        magic, version, header_len = _PREFIX.unpack_from(data)
        if magic != MAGIC:
            raise VoiceProfileError("not a soundclone voice profile")
        if version not in READABLE_VERSIONS:
            raise VoiceProfileError(f"voice profile format {version} is not supported (this build reads "
                                    f"{', '.join(map(str, READABLE_VERSIONS))})")
        if header_len > MAX_HEADER_BYTES or len(data) < _PREFIX.size + header_len:
            raise VoiceProfileError("voice profile header is damaged")
        try:
            header = json.loads(data[_PREFIX.size:_PREFIX.size + header_len])
            rows = int(header["rows"])
        except (ValueError, KeyError, TypeError):
            raise VoiceProfileError("voice profile header is damaged") from None
        table = data[_PREFIX.size + header_len:]
        fields = {k: v for k, v in header.items() if k != "sha256"}
        if len(table) != rows * STYLE_DIM * 4 or _checksum(fields, table, version) != header.get("sha256"):
            raise VoiceProfileError("voice profile data is damaged (size or checksum mismatch)")
        style = np.frombuffer(table, dtype="<f4").reshape(rows, STYLE_DIM).astype(np.float32)
        return cls(
            engine=header.get("engine", ""), style=style, f0_scale=float(header.get("f0_scale", 1.0)),
            reference_f0_hz=header.get("reference_f0_hz"), details=header.get("details") or {},
            equalizer_db=_stored_curve(header.get("equalizer_db")),
        )


def _checksum(fields: dict, table: bytes, version: int) -> str:
    if version in TABLE_ONLY_CHECKSUM_VERSIONS:
        return hashlib.sha256(table).hexdigest()
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    return hashlib.sha256(canonical + b"\0" + table).hexdigest()


def _stored_curve(value) -> tuple[float, ...]:  # noqa: ANN001
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) for v in value):
        raise VoiceProfileError("voice profile header is damaged (equalizer curve)")
    return tuple(float(v) for v in value)
