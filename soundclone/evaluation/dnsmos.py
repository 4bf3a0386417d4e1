"""DNSMOS P.835 (SIG, BAK, OVRL) with the ONNX model that ships inside the `speechmos` package.

Same computation as speechmos.dnsmos (non-personalized): 16 kHz audio, repeated until it is at least
9.01 s long, scored on 9.01 s windows every second, raw model outputs mapped by the published
polynomials, averaged over windows. The package module itself is not imported (it pulls in requests
and librosa for paths we do not use); only its model file is read.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from soundclone.speech.analysis import resample
from soundclone.speech.errors import ModelMissingError

RATE = 16_000
WINDOW_S = 9.01
HOP_S = 1.0
MODEL = ("dnsmos_models", "sig_bak_ovr.onnx")
# speechmos.dnsmos.DNSMOS.get_polyfit_val, is_personalized_MOS=False
SIG_POLY = np.poly1d([-0.08397278, 1.22083953, 0.0052439])
BAK_POLY = np.poly1d([-0.13166888, 1.60915514, -0.39604546])
OVRL_POLY = np.poly1d([-0.06766283, 1.11546468, 0.04602535])


@dataclass(frozen=True)
class Mos:
    sig: float
    bak: float
    ovrl: float


def model_path() -> Path:
    spec = importlib.util.find_spec("speechmos")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("the DNSMOS package 'speechmos' is not installed")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*MODEL)
    if not path.exists():
        raise ModelMissingError(f"the DNSMOS model {path} is missing; reinstall speechmos")
    return path


@lru_cache(maxsize=1)
def _session(threads: int = 2):  # noqa: ANN202
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(model_path()), sess_options=options, providers=["CPUExecutionProvider"])


def windows(audio: np.ndarray) -> list[np.ndarray]:
    """9.01 s windows every second of audio that is first repeated up to at least 9.01 s."""
    length = int(WINDOW_S * RATE)
    while len(audio) < length:
        audio = np.concatenate([audio, audio])
    count = int(np.floor(len(audio) / RATE) - WINDOW_S) + 1
    hop = int(HOP_S * RATE)
    return [audio[i * hop: i * hop + length] for i in range(count) if len(audio[i * hop: i * hop + length]) == length]


def score(samples: np.ndarray, rate: int) -> Mos:
    audio = np.clip(resample(np.asarray(samples, np.float32), rate, RATE), -1.0, 1.0)
    if not len(audio):
        raise ValueError("DNSMOS needs some audio")
    session = _session()
    sig, bak, ovrl = [], [], []
    for window in windows(audio):
        raw_sig, raw_bak, raw_ovrl = session.run(None, {"input_1": window[None, :].astype(np.float32)})[0][0]
        sig.append(SIG_POLY(raw_sig))
        bak.append(BAK_POLY(raw_bak))
        ovrl.append(OVRL_POLY(raw_ovrl))
    return Mos(float(np.mean(sig)), float(np.mean(bak)), float(np.mean(ovrl)))
