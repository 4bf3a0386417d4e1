"""A GE2E speaker encoder (the weights that ship in the `resemblyzer` package), in PyTorch.

Used by enrollment as the loss of style inversion, and by bench/quality.py as one of two judges.
The `resemblyzer` package itself is not imported (its audio helpers need packages that no longer
install cleanly); only its weights file is read, located without importing the package and
checked by size and sha256. The front end is ours and differentiable: FFT resampling to 16 kHz,
volume normalization to -30 dBFS, a 40-band Slaney mel power spectrogram (25 ms window, 10 ms hop,
reflect padding), partial utterances of 160 frames at 1.3 per second, averaged and L2-normalized.

Only the worker's enrollment path and benchmarks import this module: it imports torch.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from soundclone.speech.errors import ModelMissingError

WEIGHTS_PACKAGE = "resemblyzer"
WEIGHTS_FILE = "pretrained.pt"
WEIGHTS_SIZE = 17_090_379
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
RATE = 16_000
WINDOW = 400
HOP = 160
MELS = 40
PARTIAL_FRAMES = 160
PARTIALS_PER_SECOND = 1.3
MIN_COVERAGE = 0.75
TARGET_DBFS = -30.0
HIDDEN = 256


def weights_path() -> Path:
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("the speaker encoder weights package 'resemblyzer' is not installed; run `make install`")
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE
    if not path.exists() or path.stat().st_size != WEIGHTS_SIZE:
        raise ModelMissingError(f"the speaker encoder weights {path} are missing or the wrong size; reinstall resemblyzer")
    if hashlib.sha256(path.read_bytes()).hexdigest() != WEIGHTS_SHA256:
        raise ModelMissingError(f"the speaker encoder weights {path} do not match their sha256; reinstall resemblyzer")
    return path


def _slaney_mel(rate: int, n_fft: int, bands: int) -> np.ndarray:
    """Slaney-style mel filters (area-normalized triangles), as librosa's default builds them."""
    def hz_to_mel(hz):  # noqa: ANN001, ANN202
        hz = np.asarray(hz, float)
        linear = hz / (200.0 / 3)
        log_part = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(hz >= 1000.0, log_part, linear)

    def mel_to_hz(mel):  # noqa: ANN001, ANN202
        mel = np.asarray(mel, float)
        linear = mel * (200.0 / 3)
        log_part = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
        return np.where(mel >= 15.0, log_part, linear)

    freqs = np.linspace(0, rate / 2, n_fft // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(rate / 2), bands + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - freqs[None, :]
    weights = np.zeros((bands, len(freqs)))
    for band in range(bands):
        lower = -ramps[band] / widths[band]
        upper = ramps[band + 2] / widths[band + 1]
        weights[band] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2:bands + 2] - edges[:bands]))[:, None]
    return weights.astype(np.float32)


class SpeakerEncoder(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(MELS, HIDDEN, num_layers=3, batch_first=True)
        self.linear = torch.nn.Linear(HIDDEN, HIDDEN)
        self.register_buffer("mel_basis", torch.from_numpy(_slaney_mel(RATE, WINDOW, MELS)))
        self.register_buffer("window", torch.hann_window(WINDOW))

    @classmethod
    def load(cls) -> "SpeakerEncoder":
        encoder = cls()
        state = torch.load(weights_path(), map_location="cpu", weights_only=True)["model_state"]
        encoder.load_state_dict({k: v for k, v in state.items() if not k.startswith("similarity_")}, strict=False)
        encoder.eval()
        for parameter in encoder.parameters():
            parameter.requires_grad_(False)
        return encoder

    # -- front end (differentiable) -------------------------------------------------------

    def mel(self, wav16k: torch.Tensor) -> torch.Tensor:
        """[samples] at 16 kHz -> [frames, 40] mel power."""
        spectrum = torch.stft(wav16k, WINDOW, HOP, WINDOW, self.window, center=True, pad_mode="reflect",
                              return_complex=True)
        power = spectrum.real ** 2 + spectrum.imag ** 2
        return (self.mel_basis @ power).T

    def embed_tensor(self, samples: torch.Tensor, rate: int) -> torch.Tensor:
        """Utterance embedding [256] of a waveform tensor; gradients flow to `samples`."""
        wav = resample_tensor(samples, rate, RATE)
        rms = torch.sqrt(torch.mean(wav ** 2) + 1e-12)
        target = 10 ** (TARGET_DBFS / 20)
        wav = wav * torch.clamp(target / rms, min=1.0)   # increase only, as the encoder was trained
        mel = self.mel(wav)
        partials = torch.stack([mel[s] for s in partial_slices(len(wav))]) if len(mel) >= PARTIAL_FRAMES \
            else torch.nn.functional.pad(mel, (0, 0, 0, PARTIAL_FRAMES - len(mel)))[None]
        _, (hidden, _) = self.lstm(partials)
        raw = torch.relu(self.linear(hidden[-1]))
        partial_embeddings = raw / torch.norm(raw, dim=1, keepdim=True).clamp_min(1e-8)
        mean = partial_embeddings.mean(0)
        return mean / torch.norm(mean).clamp_min(1e-8)

    def embed(self, samples: np.ndarray, rate: int) -> np.ndarray:
        with torch.no_grad():
            return self.embed_tensor(torch.from_numpy(np.asarray(samples, np.float32)), rate).numpy()


def partial_slices(sample_count: int) -> list[slice]:
    """Windows of PARTIAL_FRAMES mel frames covering the utterance (the last one if >= 75 % present)."""
    frame_count = int(np.ceil((sample_count + 1) / HOP))
    step = max(1, int(round(RATE / PARTIALS_PER_SECOND / HOP)))
    starts = list(range(0, max(1, frame_count - PARTIAL_FRAMES + step + 1), step))
    slices = [slice(s, s + PARTIAL_FRAMES) for s in starts]
    last = starts[-1] * HOP
    coverage = (sample_count - last) / (PARTIAL_FRAMES * HOP)
    if coverage < MIN_COVERAGE and len(slices) > 1:
        slices.pop()
    return [s for s in slices if s.stop <= frame_count] or [slice(0, PARTIAL_FRAMES)]


def resample_tensor(samples: torch.Tensor, rate: int, target: int) -> torch.Tensor:
    """Band-limited FFT resampling, differentiable."""
    if rate == target:
        return samples
    count = int(round(samples.shape[-1] * target / rate))
    spectrum = torch.fft.rfft(samples)
    keep = min(spectrum.shape[-1], count // 2 + 1)
    return torch.fft.irfft(spectrum[..., :keep], n=count) * (count / samples.shape[-1])


@lru_cache(maxsize=1)
def shared_encoder() -> SpeakerEncoder:
    return SpeakerEncoder.load()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))
