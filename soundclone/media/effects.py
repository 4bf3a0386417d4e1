"""MiniMax `voice_modify` post-effects: intensity, timbre and one sound effect, applied to synthesized audio.

Every stage is a pure function of (samples, sample_rate): deterministic, numpy only, whole-signal FFTs rather
than per-sample loops, so a minute of 24 kHz audio takes a fraction of a second. Pitch is not applied here: the
synthesizer shifts it (`VoiceModify.semitones`), because resynthesis sounds better than a post-hoc pitch shift.

The echo effects let the output grow: `spacious_echo` by its echo train (ECHO_TAIL_S), `auditorium_echo` by its
reverb tail (REVERB_TAIL_S). Every other stage keeps the length. Peaks are kept at or below PEAK_CEILING by a soft
knee, never by hard clipping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soundclone.domain.controls import EFFECT_PITCH_SEMITONES, EFFECT_RANGE, SOUND_EFFECTS
from soundclone.speech.levels import LIMIT_HOLD_SAMPLES, PEAK_CEILING, riding_gain, soft_limit  # noqa: F401 (PEAK_CEILING: documented bound)

FIELD_LIMIT = EFFECT_RANGE[1]        # pitch, intensity and timbre all range over [-FIELD_LIMIT, FIELD_LIMIT]
MAX_SEMITONES = EFFECT_PITCH_SEMITONES   # pitch = ±FIELD_LIMIT


# intensity < 0: a level compressor with make-up gain
LEVEL_HOP_S = 0.01
LEVEL_WINDOW_HOPS = 2
GAIN_SMOOTH_HOPS = 5
COMPRESS_THRESHOLD_BELOW_PEAK_DB = 24.0
MAX_COMPRESS_RATIO = 4.0
SILENT_DB = -120.0
# intensity > 0: a high-shelf cut and a lower level
SOFT_SHELF_HZ = 2_500.0
SOFT_SHELF_OCTAVES = 1.0             # width of the shelf's transition
MAX_SOFT_SHELF_DB = -8.0
MAX_SOFT_LEVEL_DB = -6.0

# timbre: a tilt in dB, linear in log-frequency around TILT_PIVOT_HZ, flat beyond ±TILT_OCTAVES
TILT_PIVOT_HZ = 1_000.0
TILT_OCTAVES = 3.0
MAX_TILT_DB = 8.0

ECHO_DELAY_S = 0.3
ECHO_FEEDBACK = 0.45
ECHO_REPEATS = 5                     # ECHO_FEEDBACK ** ECHO_REPEATS is about -35 dB
ECHO_TAIL_S = ECHO_DELAY_S * ECHO_REPEATS

REVERB_TAIL_S = 1.8
REVERB_RT60_S = 1.6
RT60_DECAY_DB = 60.0
REVERB_PREDELAY_S = 0.02
REVERB_LOWPASS_HZ = 5_000.0
REVERB_WET_DB = -6.0
REVERB_SEED = 0x5C_0DE               # the room is the same for every request

TELEPHONE_LOW_HZ = 300.0
TELEPHONE_HIGH_HZ = 3_400.0
TELEPHONE_ORDER = 4                  # Butterworth-like magnitude slopes, 24 dB/octave
TELEPHONE_DRIVE = 2.5
TELEPHONE_BITS = 10

ROBOT_CARRIER_HZ = 50.0
ROBOT_MIX = 0.85                     # the rest is dry, so the words stay intelligible


@dataclass(frozen=True)
class VoiceModify:
    pitch: int = 0          # negative deeper, positive brighter
    intensity: int = 0      # negative more forceful, positive softer
    timbre: int = 0         # negative fuller/richer, positive crisper
    sound_effects: str | None = None

    def __post_init__(self) -> None:
        for name in ("pitch", "intensity", "timbre"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer; got {value!r}")
            if not -FIELD_LIMIT <= value <= FIELD_LIMIT:
                raise ValueError(f"{name} must be in [-{FIELD_LIMIT}, {FIELD_LIMIT}]; got {value}")
        if self.sound_effects is not None and self.sound_effects not in SOUND_EFFECTS:
            raise ValueError(f"sound_effects must be one of {', '.join(SOUND_EFFECTS)}; got {self.sound_effects!r}")

    @property
    def is_neutral(self) -> bool:
        return self.pitch == 0 and self.intensity == 0 and self.timbre == 0 and self.sound_effects is None

    @property
    def semitones(self) -> float:
        """The pitch shift the synthesizer applies; `apply` does not shift pitch."""
        return self.pitch / FIELD_LIMIT * MAX_SEMITONES


def apply(samples: np.ndarray, sample_rate: int, modify: VoiceModify) -> np.ndarray:
    """`samples` with intensity, timbre and the sound effect applied, in that order; the input itself if neutral."""
    audio = checked_mono(samples, sample_rate)
    if modify.intensity == 0 and modify.timbre == 0 and modify.sound_effects is None:
        return audio
    if modify.intensity < 0:
        audio = compress(audio, sample_rate, -modify.intensity / FIELD_LIMIT)
    elif modify.intensity > 0:
        audio = soften(audio, sample_rate, modify.intensity / FIELD_LIMIT)
    if modify.timbre:
        audio = tilt(audio, sample_rate, modify.timbre / FIELD_LIMIT)
    if modify.sound_effects is not None:
        audio = SOUND_EFFECT_STAGES[modify.sound_effects](audio, sample_rate)
    return soft_limit(audio)


def compress(audio: np.ndarray, sample_rate: int, amount: float) -> np.ndarray:
    """Frames above a threshold below the loudest are turned down and everything made up by the loudest frame's
    reduction, then the few transients that now stick out are ridden back under the input's peak: quieter
    passages come up, the RMS rises, the peak does not, so the crest factor falls. `amount` in (0, 1]."""
    hop = max(1, int(LEVEL_HOP_S * sample_rate))
    levels_db = _frame_levels_db(audio, hop)
    if levels_db.size == 0 or levels_db.max() <= SILENT_DB:
        return audio
    ratio = 1.0 + (MAX_COMPRESS_RATIO - 1.0) * amount
    threshold_db = levels_db.max() - COMPRESS_THRESHOLD_BELOW_PEAK_DB
    reduction_db = np.maximum(levels_db - threshold_db, 0.0) * (1.0 - 1.0 / ratio)
    gain_db = _moving_average(reduction_db.max() - reduction_db, GAIN_SMOOTH_HOPS)
    centers = (np.arange(gain_db.size) + 0.5) * hop
    compressed = audio * 10.0 ** (np.interp(np.arange(audio.size), centers, gain_db) / 20.0)
    peak = np.abs(audio).max()
    magnitude = np.maximum(np.abs(compressed), peak)
    return (compressed * riding_gain(peak / magnitude, LIMIT_HOLD_SAMPLES)).astype(np.float32)


def soften(audio: np.ndarray, sample_rate: int, amount: float) -> np.ndarray:
    """A gentler delivery: the highs shelved down and the level lowered. `amount` in (0, 1]."""
    shelf_db = MAX_SOFT_SHELF_DB * amount

    def gains_db(freqs: np.ndarray) -> np.ndarray:
        octaves = np.log2(np.maximum(freqs, 1.0) / SOFT_SHELF_HZ) / SOFT_SHELF_OCTAVES
        return shelf_db * np.clip(octaves + 0.5, 0.0, 1.0)

    level = 10.0 ** (MAX_SOFT_LEVEL_DB * amount / 20.0)
    return (equalize(audio, sample_rate, gains_db) * level).astype(np.float32)


def tilt(audio: np.ndarray, sample_rate: int, amount: float) -> np.ndarray:
    """A spectral tilt at equal RMS: `amount` < 0 lifts the lows and cuts the highs (fuller), > 0 the reverse
    (crisper), up to ±MAX_TILT_DB at the ends of the band. `amount` in [-1, 1]."""

    def gains_db(freqs: np.ndarray) -> np.ndarray:
        octaves = np.log2(np.maximum(freqs, 1.0) / TILT_PIVOT_HZ) / TILT_OCTAVES
        return MAX_TILT_DB * amount * np.clip(octaves, -1.0, 1.0)

    return _same_rms(equalize(audio, sample_rate, gains_db), audio)


def spacious_echo(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """A train of ECHO_REPEATS echoes ECHO_DELAY_S apart, each ECHO_FEEDBACK quieter; ECHO_TAIL_S longer."""
    delay = int(ECHO_DELAY_S * sample_rate)
    out = np.zeros(audio.size + delay * ECHO_REPEATS, np.float32)
    out[:audio.size] = audio
    for repeat in range(1, ECHO_REPEATS + 1):
        out[repeat * delay:repeat * delay + audio.size] += ECHO_FEEDBACK ** repeat * audio
    return out


def auditorium_echo(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """The dry voice plus its convolution with a synthetic hall; REVERB_TAIL_S longer."""
    response = reverb_response(sample_rate)
    wet = _fft_convolve(audio, response)
    out = wet * 10.0 ** (REVERB_WET_DB / 20.0)
    out[:audio.size] += audio
    return out.astype(np.float32)


def reverb_response(sample_rate: int) -> np.ndarray:
    """Exponentially decaying, low-passed noise from a fixed seed, silent for the pre-delay, unit energy."""
    length = int(REVERB_TAIL_S * sample_rate)
    t = np.arange(length) / sample_rate
    noise = np.random.default_rng(REVERB_SEED).standard_normal(length)
    decay_per_s = RT60_DECAY_DB / 20.0 * np.log(10.0) / REVERB_RT60_S
    response = noise * np.exp(-decay_per_s * t)
    response[t < REVERB_PREDELAY_S] = 0.0
    response = equalize(response, sample_rate, lambda f: _butterworth_db(f, REVERB_LOWPASS_HZ, 2, low_pass=True))
    return (response / np.sqrt(np.sum(response ** 2))).astype(np.float32)


def lofi_telephone(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Saturated and bit-crushed, then band-passed to the telephone band."""
    driven = np.tanh(TELEPHONE_DRIVE * audio) / np.tanh(TELEPHONE_DRIVE)
    steps = 2 ** (TELEPHONE_BITS - 1)
    crushed = np.round(driven * steps) / steps

    def gains_db(freqs: np.ndarray) -> np.ndarray:
        return (_butterworth_db(freqs, TELEPHONE_LOW_HZ, TELEPHONE_ORDER, low_pass=False)
                + _butterworth_db(freqs, TELEPHONE_HIGH_HZ, TELEPHONE_ORDER, low_pass=True))

    return _same_rms(equalize(crushed.astype(np.float32), sample_rate, gains_db), audio)


def robotic(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Ring modulation by a ROBOT_CARRIER_HZ sine: every partial splits into two sidebands ±ROBOT_CARRIER_HZ away."""
    t = np.arange(audio.size) / sample_rate
    ringed = audio * np.sin(2.0 * np.pi * ROBOT_CARRIER_HZ * t) * np.sqrt(2.0)  # sqrt 2 restores the sine's RMS
    return (ROBOT_MIX * ringed + (1.0 - ROBOT_MIX) * audio).astype(np.float32)


SOUND_EFFECT_STAGES = {
    "spacious_echo": spacious_echo,
    "auditorium_echo": auditorium_echo,
    "lofi_telephone": lofi_telephone,
    "robotic": robotic,
}


def equalize(audio: np.ndarray, sample_rate: int, gains_db) -> np.ndarray:
    """Zero-phase EQ: `gains_db(frequencies_hz)` applied to the spectrum of the whole signal."""
    if audio.size == 0:
        return audio
    # padding keeps the (short, smooth-spectrum) filter from wrapping the end of the signal onto its start
    size = _fast_size(audio.size + sample_rate // 10)
    spectrum = np.fft.rfft(audio, size)
    spectrum *= 10.0 ** (gains_db(np.fft.rfftfreq(size, 1.0 / sample_rate)) / 20.0)
    return np.fft.irfft(spectrum, size)[:audio.size].astype(np.float32)


def checked_mono(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """float32 mono samples and a sane rate, or a ValueError naming the problem."""
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim != 1:
        raise ValueError(f"samples must be mono (1-D); got shape {audio.shape}")
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate <= 0:
        raise ValueError(f"sample_rate must be a positive integer; got {sample_rate!r}")
    return audio


def _frame_levels_db(audio: np.ndarray, hop: int) -> np.ndarray:
    """RMS level of each hop, measured over LEVEL_WINDOW_HOPS hops around it."""
    frames = -(-audio.size // hop)
    padded = np.zeros(frames * hop, np.float64)
    padded[:audio.size] = audio
    power = _moving_average(np.mean(padded.reshape(frames, hop) ** 2, axis=1), LEVEL_WINDOW_HOPS)
    return 10.0 * np.log10(np.maximum(power, 10.0 ** (SILENT_DB / 10.0)))


def _moving_average(values: np.ndarray, width: int) -> np.ndarray:
    if values.size == 0 or width <= 1:
        return values
    padded = np.pad(values, (width // 2, width - 1 - width // 2), mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def _butterworth_db(freqs: np.ndarray, corner_hz: float, order: int, *, low_pass: bool) -> np.ndarray:
    ratio = np.maximum(freqs, 1e-3) / corner_hz
    if not low_pass:
        ratio = 1.0 / ratio
    return -10.0 * np.log10(1.0 + ratio ** (2 * order))


def _same_rms(audio: np.ndarray, like: np.ndarray) -> np.ndarray:
    rms, target = np.sqrt(np.mean(audio.astype(np.float64) ** 2)), np.sqrt(np.mean(like.astype(np.float64) ** 2))
    if rms == 0.0:
        return audio
    return (audio * (target / rms)).astype(np.float32)


def _fft_convolve(audio: np.ndarray, response: np.ndarray) -> np.ndarray:
    length = audio.size + response.size - 1
    size = _fast_size(length)
    return np.fft.irfft(np.fft.rfft(audio, size) * np.fft.rfft(response, size), size)[:length]


def _fast_size(n: int) -> int:
    """The smallest 2**a * 3**b * 5**c at least `n`: pocketfft is quick on those."""
    best = 1 << max(0, (n - 1).bit_length())
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            candidate = power35
            while candidate < n:
                candidate *= 2
            best = min(best, candidate)
            power35 *= 3
        power5 *= 5
    return best
