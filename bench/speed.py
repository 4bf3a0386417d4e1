"""Speed and memory of the embedded engine on this machine: model load, enrollment, synthesis RTF.

    .venv/bin/python bench/speed.py [--threads 2] [--repeat 3]

Prints a table. Needs the speech fixtures (`make fixtures`).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soundclone.speech.engine import SynthesisOptions, load_engine  # noqa: E402
from table import print_table  # noqa: E402

REFERENCE = ROOT / ".cache" / "speech" / "librivox_reference.wav"
TEXTS = {
    "en": "The committee met on Tuesday to review the budget. After a long discussion, "
          "they agreed to postpone the decision until the next quarter.",
    "zh": "在森林的深处,阳光透过树梢洒落,鸟儿的歌声交织成一曲美妙的乐章,诉说着大自然无尽的美丽。",
    "fr": "Le comité s'est réuni mardi pour examiner le budget, puis a reporté sa décision.",
    "de": "Der Ausschuss traf sich am Dienstag, um den Haushalt zu prüfen, und vertagte die Entscheidung.",
    "ja": "委員会は火曜日に予算を検討し、決定を次の四半期まで延期しました。",
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model-dir", type=Path, default=ROOT / ".cache" / "models")
    args = parser.parse_args()

    rows = []
    started = time.perf_counter()
    engine = load_engine("kokoro", model_dir=args.model_dir, threads=args.threads)
    engine.prepare()
    rows.append(("load + prepare", f"{time.perf_counter() - started:.2f} s", "", ""))

    samples, rate = sf.read(REFERENCE, dtype="float32")
    started = time.perf_counter()
    voice = engine.enroll(samples, rate)
    rows.append(("enroll", f"{time.perf_counter() - started:.2f} s", f"{len(samples) / rate:.1f} s reference", ""))

    for language, text in TEXTS.items():
        options = SynthesisOptions(language=language)
        list(engine.synthesize(text, voice, options))  # warm the frontend
        best, audio_s, first_s = float("inf"), 0.0, 0.0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            chunks = engine.synthesize(text, voice, options)
            first = next(chunks)
            first_s = time.perf_counter() - t0
            rest = list(chunks)
            elapsed = time.perf_counter() - t0
            best = min(best, elapsed)
            audio_s = sum(c.duration_s for c in [first, *rest])
        rows.append((f"synthesize {language}", f"RTF {best / audio_s:.2f}", f"{audio_s:.1f} s audio",
                     f"first chunk {first_s:.2f} s"))
    rows.append(("peak memory", f"{peak_rss_mb():.0f} MB", "", ""))

    print_table(f"threads={args.threads}, best of {args.repeat}", rows, cell_width=22)


if __name__ == "__main__":
    main()
