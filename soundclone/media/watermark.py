"""A keyed watermark that carries a payload: which task made the audio.

Embedding. The audio is analysed at MARK_RATE in frames of FRAME (64 ms, hop HOP = 32 ms); the spectrum between
MARK_BAND_HZ is cut into BANDS bands of BAND_BINS bins (one: 15.6 Hz). Every PERIOD frames (0.512 s) the same grid of
PERIOD x BANDS cells carries one whole codeword: PAYLOAD_BITS (the 32-bit mark id and a 16-bit keyed check),
convolutionally coded to CODED_BITS. A keyed table gives each cell one coded bit and a chip (+-1); the cell's
magnitude is scaled by MARK_DB x chip x (bit as +-1). Scaling the speech's own spectrum keeps the mark under it:
silence stays silent and loud sounds carry more. The changed part is resampled back and added to the audio, so
the sample rate, length and everything outside the band are untouched.

Detection (NumPy only: cheap enough for the API process). The audio is resampled to MARK_RATE; per frame, each
band's log energy minus its neighbours' (the speech's spectral envelope) is summed over all frames that share a
position in the period, on a grid tried at OFFSETS within a hop. For each of the PERIOD positions the codeword's
soft bits and the sync score (the keyed sync cells' sum over its spread) are read off; positions are decoded by
soft Viterbi in order of sync score, from the highest down to SYNC_Z_MIN, and one is accepted only when the check
matches the key. A cut,
delayed or re-encoded excerpt still has whole periods in it, so any few seconds decode; 10 s hold ~20 copies.
Level changes shift all log energies equally and cancel.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from soundclone.media import convolutional
from soundclone.media.resample import resample_mono

MARK_RATE = 16_000
FRAME = 1_024                        # 64 ms
HOP = FRAME // 2                     # 32 ms; sqrt-Hann analysis and synthesis add back to the input
BIN_HZ = MARK_RATE / FRAME
MARK_BAND_HZ = (400.0, 3_800.0)      # kept by MP3, Opus, AAC and by resampling to 8 kHz
BAND_BINS = 1                        # 15.6 Hz: narrow bands beat wide ones (bench/watermark.py, docs)
FIRST_BIN = int(np.ceil(MARK_BAND_HZ[0] / BIN_HZ))
BANDS = int((MARK_BAND_HZ[1] / BIN_HZ - FIRST_BIN) // BAND_BINS)
PERIOD = 16                          # frames per codeword: 0.512 s
TILE_FRAMES = 2                      # a cell keeps its gain this many frames (96 ms of audio), so smearing
                                     # between overlapping frames does not blur it
MARK_DB = 1.2                        # each cell's magnitude is raised or lowered this much (SNR ~23 dB)
ID_BITS = 32
CHECK_BITS = 16
PAYLOAD_BITS = ID_BITS + CHECK_BITS
CODED_BITS = convolutional.coded_length(PAYLOAD_BITS)
SYNC = CODED_BITS                    # the index of the sync "bit": always 0 (+1), so known to the detector
SYNC_SHARE = 0.25                    # of the cells
MAX_MARK_ID = (1 << ID_BITS) - 1
OFFSETS = 4                          # grid positions tried within one hop
ENVELOPE_BANDS = 5                   # a band's neighbourhood whose mean is the envelope
ACTIVE_DB = 60.0                     # frames this far below the loud ones are left out (quiet ones help)
FLOOR_PERCENTILE = 10                # the quietest frames give the noise floor
CELL_WEIGHT_POWER = 2                # a cell weighs (its envelope's share above the band's floor) ** this
DETAIL_CLIP = 1.0                    # a cell's log energy above or below its envelope counts up to this (4.3 dB)
CANDIDATES = 4                       # sync positions decoded (each is one 2^-CHECK_BITS chance of a false match)
SYNC_Z_MIN = 4.0                     # the sync score needed as well as the check: unmarked audio stays near 0-3
CONFIDENT_Z = 12.0                   # a sync score this high reads as confidence 1.0
MIN_SAMPLES = FRAME + HOP * PERIOD   # a little over one period
KEY_DOMAIN = b"soundclone-watermark-v2:"
_TINY = 1e-12


@dataclass(frozen=True)
class Detection:
    marked: bool
    confidence: float          # 0..1: how far the sync score is above what unmarked audio gives
    key_id: str | None = None
    mark_id: int | None = None
    sync_z: float = 0.0        # the sync score in standard deviations of unmarked audio


NOT_MARKED = Detection(marked=False, confidence=0.0)


def embed(samples: np.ndarray, sample_rate: int, *, key: str, mark_id: int, start: int = 0) -> np.ndarray:
    """`samples` carrying `mark_id` under `key`; same length and rate. `start` is where these samples begin in a
    longer output (a stream's pieces, each marked as it is sent, join into one continuous mark)."""
    audio = _checked(samples, sample_rate, key)
    if not isinstance(mark_id, int) or not 0 <= mark_id <= MAX_MARK_ID:
        raise ValueError(f"mark_id must be an integer in 0..{MAX_MARK_ID}; got {mark_id!r}")
    if audio.size == 0:
        return audio
    at_mark = resample_mono(audio, sample_rate, MARK_RATE).astype(np.float64)
    begin = int(round(start * MARK_RATE / sample_rate))
    first = begin // HOP - 1                              # the first frame that overlaps these samples
    lead = begin - first * HOP
    frames = -(-(lead + at_mark.size) // HOP) + 1
    padded = np.zeros((frames + 1) * HOP)
    padded[lead:lead + at_mark.size] = at_mark
    spectrum = _stft(padded)
    gains = _cell_gains(key, mark_id)[(first + np.arange(spectrum.shape[0])) % PERIOD]   # (frames, BANDS)
    change = np.zeros(spectrum.shape)
    change[:, FIRST_BIN:FIRST_BIN + BANDS * BAND_BINS] = np.repeat(gains - 1.0, BAND_BINS, axis=1)
    delta = _istft(spectrum * change, padded.size)[lead:lead + at_mark.size]
    delta = _fit(resample_mono(delta.astype(np.float32), MARK_RATE, sample_rate), audio.size)
    return np.clip(audio + delta, -1.0, 1.0).astype(np.float32)


def detect(samples: np.ndarray, sample_rate: int, keys: Mapping[str, str]) -> Detection:
    """Whether `samples` carry a mark made with one of `keys` (key id -> secret), and its mark id."""
    audio = np.asarray(samples, dtype=np.float32)
    _checked(audio, sample_rate, "-")
    at_mark = resample_mono(audio, sample_rate, MARK_RATE).astype(np.float64)
    if at_mark.size < MIN_SAMPLES or not np.any(at_mark):
        return NOT_MARKED
    folded = [_folded(at_mark[offset * HOP // OFFSETS:]) for offset in range(OFFSETS)]
    best = NOT_MARKED
    for key_id, secret in keys.items():
        found = _detect_key(folded, key_id, secret)
        if found.marked or (not best.marked and found.sync_z > best.sync_z):
            best = found
        if best.marked:
            break
    return best


def check_bits(key: str, mark_id: int) -> np.ndarray:
    """The keyed CHECK_BITS that follow the mark id: a wrong key or a misread id fails them."""
    digest = hmac.new(key.encode("utf-8"), b"mark-check:" + mark_id.to_bytes(4, "big"), hashlib.sha256).digest()
    return _bits(int.from_bytes(digest[:CHECK_BITS // 8], "big"), CHECK_BITS)


def _detect_key(folded: list[tuple[np.ndarray, np.ndarray]], key_id: str, secret: str) -> Detection:
    scored = _candidates(folded, secret)
    for sync, soft in scored[:CANDIDATES]:
        if sync < SYNC_Z_MIN:
            break
        bits = convolutional.decode(soft)
        mark_id = _int(bits[:ID_BITS])
        if np.array_equal(bits[ID_BITS:], check_bits(secret, mark_id)):
            confidence = float(np.clip((sync - SYNC_Z_MIN) / (CONFIDENT_Z - SYNC_Z_MIN), 0.0, 1.0))
            return Detection(True, round(0.5 + 0.5 * confidence, 3), key_id, mark_id, round(sync, 2))
    return Detection(False, 0.0, None, None, round(scored[0][0], 2))


def read_payload(samples: np.ndarray, sample_rate: int, key: str) -> tuple[np.ndarray, float]:
    """The PAYLOAD_BITS read at the best sync position, whether or not they check, and that position's sync score
    (for measuring bit accuracy; `detect` is the decision)."""
    at_mark = resample_mono(_checked(samples, sample_rate, key), sample_rate, MARK_RATE).astype(np.float64)
    if at_mark.size < MIN_SAMPLES:
        return np.zeros(PAYLOAD_BITS, dtype=np.uint8), 0.0
    folded = [_folded(at_mark[offset * HOP // OFFSETS:]) for offset in range(OFFSETS)]
    sync, soft = _candidates(folded, key)[0]
    return convolutional.decode(soft), sync


def _candidates(folded: list[tuple[np.ndarray, np.ndarray]], secret: str) -> list[tuple[float, np.ndarray]]:
    """(sync score, soft coded bits) for every grid offset and position in the period, best sync first."""
    bit_of, chip = _layout(secret)
    flat_bits = bit_of.ravel()
    counts = np.bincount(flat_bits, minlength=CODED_BITS + 1)
    is_sync = flat_bits == SYNC
    scored = []
    for sums, squares in folded:
        z = sums / np.sqrt(squares + _TINY)                     # per cell: a t-like statistic over the periods
        for phase in range(PERIOD):
            cells = (np.roll(z, -phase, axis=0) * chip).ravel()
            soft = np.bincount(flat_bits, weights=cells, minlength=CODED_BITS + 1)
            # the sync cells' sum over its spread: ~N(0, 1) without this key's mark at this phase, whatever the
            # audio (another key's mark included)
            sync = soft[SYNC] / np.sqrt(np.sum(cells[is_sync] ** 2) + _TINY)
            scored.append((float(sync), soft[:CODED_BITS] / np.sqrt(counts[:CODED_BITS])))
    scored.sort(key=lambda item: -item[0])
    return scored


def _folded(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (position in the period, band): the sum over periods of the band's envelope-free log energy, and the
    sum of its squares; each frame weighted by how far it stands above the noise floor, and each cell by how far its
    spectral envelope stands above its band's floor."""
    power = np.abs(_stft(audio)[:, FIRST_BIN:FIRST_BIN + BANDS * BAND_BINS]) ** 2
    energy = power.reshape(power.shape[0], BANDS, BAND_BINS).sum(axis=2)
    frame_energy = energy.sum(axis=1)
    loud, floor = np.percentile(frame_energy, 95), np.percentile(frame_energy, FLOOR_PERCENTILE)
    active = (frame_energy > loud * 10.0 ** (-ACTIVE_DB / 10.0)) & (frame_energy > _TINY)
    log_energy = np.log(energy + _TINY)
    kernel = np.ones(ENVELOPE_BANDS) / ENVELOPE_BANDS
    padded = np.pad(log_energy, ((0, 0), (ENVELOPE_BANDS // 2, ENVELOPE_BANDS // 2)), mode="edge")
    envelope = np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="valid"), 1, padded)
    # clipped: a bin's log energy under noise has a long tail (deep nulls between harmonics) that outweighs the mark
    detail = np.clip(log_energy - envelope, -DETAIL_CLIP, DETAIL_CLIP)
    if active.any():    # each band's lasting offset (the voice's own spectrum) is no mark; take it away
        detail -= detail[active].mean(axis=0)
    # a frame counts as much as it stands above the noise floor (its quietest frames: pauses hold only noise)
    weight = np.clip(1.0 - floor / np.maximum(frame_energy, _TINY), 0.0, 1.0) * active
    # and a cell as much as its neighbourhood (the envelope, not the cell itself: that would follow the mark) stands
    # above its band's noise floor: between harmonics and in quiet syllables, added noise hides the mark
    band_floor = np.percentile(energy[active] if active.any() else energy, FLOOR_PERCENTILE, axis=0)
    cell_weight = np.clip(1.0 - band_floor / np.maximum(np.exp(envelope), _TINY), 0.0, 1.0) ** CELL_WEIGHT_POWER
    detail *= weight[:, None] * cell_weight
    periods = -(-detail.shape[0] // PERIOD)
    stacked = np.zeros((periods * PERIOD, BANDS))
    stacked[:detail.shape[0]] = detail
    stacked = stacked.reshape(periods, PERIOD, BANDS)
    return stacked.sum(axis=0), (stacked ** 2).sum(axis=0)


@lru_cache(maxsize=16)
def _layout(key: str) -> tuple[np.ndarray, np.ndarray]:
    """The key's table: for each (frame in the period, band), which coded bit it carries and its chip."""
    seed = int.from_bytes(hashlib.sha256(KEY_DOMAIN + key.encode("utf-8")).digest(), "big")
    rng = np.random.default_rng(seed)
    tiles = PERIOD // TILE_FRAMES * BANDS
    sync = int(round(tiles * SYNC_SHARE))
    bit_of = np.empty(tiles, dtype=np.int64)
    order = rng.permutation(tiles)
    bit_of[order[:sync]] = SYNC
    bit_of[order[sync:]] = np.arange(tiles - sync) % CODED_BITS
    chip = rng.choice((-1.0, 1.0), tiles)
    shape = (PERIOD // TILE_FRAMES, BANDS)
    return (np.repeat(bit_of.reshape(shape), TILE_FRAMES, axis=0), np.repeat(chip.reshape(shape), TILE_FRAMES, axis=0))


def _cell_gains(key: str, mark_id: int) -> np.ndarray:
    bits = np.concatenate([_bits(mark_id, ID_BITS), check_bits(key, mark_id)])
    signs = np.append(1.0 - 2.0 * convolutional.encode(bits).astype(np.float64), 1.0)   # payload, then sync
    bit_of, chip = _layout(key)
    return 10.0 ** (MARK_DB * chip * signs[bit_of] / 20.0)


def _bits(value: int, count: int) -> np.ndarray:
    return np.array([(value >> (count - 1 - i)) & 1 for i in range(count)], dtype=np.uint8)


def _int(bits: np.ndarray) -> int:
    return int("".join(str(int(b)) for b in bits), 2)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.sqrt(np.hanning(FRAME + 1)[:FRAME])    # periodic sqrt-Hann: squared, it sums to 1 at 50 % overlap


def _stft(audio: np.ndarray) -> np.ndarray:
    frames = (audio.size - FRAME) // HOP + 1
    if frames <= 0:
        return np.zeros((0, FRAME // 2 + 1), dtype=np.complex128)
    view = np.lib.stride_tricks.sliding_window_view(audio, FRAME)[::HOP][:frames]
    return np.fft.rfft(view * _window(), axis=1)


def _istft(spectrum: np.ndarray, length: int) -> np.ndarray:
    frames = np.fft.irfft(spectrum, FRAME, axis=1) * _window()
    out = np.zeros(max(length, (spectrum.shape[0] - 1) * HOP + FRAME))
    for index, frame in enumerate(frames):
        out[index * HOP:index * HOP + FRAME] += frame
    return out[:length]


def _checked(samples: np.ndarray, sample_rate: int, key: str) -> np.ndarray:
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim != 1:
        raise ValueError(f"samples must be mono (1-D); got shape {audio.shape}")
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
        raise ValueError(f"sample_rate must be a positive integer; got {sample_rate!r}")
    if not isinstance(key, str) or not key:
        raise ValueError("key must be a non-empty string")
    return audio


def _fit(audio: np.ndarray, length: int) -> np.ndarray:
    if audio.size >= length:
        return audio[:length]
    return np.pad(audio, (0, length - audio.size))
