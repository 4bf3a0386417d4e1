"""The longest text a task accepts (9,999 characters), rendered whole: time, memory, and the joins.

    .venv/bin/python bench/long_text.py [--threads 2] [--voice af_heart] [--chars 9999]

Runs the worker's own rendering function (sentence splitting, synthesis, pauses, joins) on English prose
with a few pause markers, and prints a table. The test suite only checks that such a text is accepted and split;
rendering all of it takes minutes, so it is measured here. Needs the models (`make bench-models`).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soundclone.api.soundclone.translate import AUDIO_TEXT_LIMIT  # noqa: E402
from soundclone.domain.text import parse_script  # noqa: E402
from soundclone.jobs.render import Rendering, render_script  # noqa: E402
from soundclone.speech.analysis import largest_step_near  # noqa: E402
from soundclone.speech.engine import SynthesisOptions, load_engine  # noqa: E402
from table import print_table  # noqa: E402

PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff, its white paint peeling after many winters. "
    "Every evening, the keeper climbed the narrow stairs to light the great lamp. "
    "Ships passing in the night relied on its steady beam to find the harbor.<#0.8#>"
    "One autumn, a storm rolled in from the west, bringing rain and heavy waves. "
    "Near midnight, he saw a small fishing boat struggling against the current, about 1,500 metres out. "
    "He signalled with the lamp, sweeping the light across the water again and again. "
)


def long_text(chars: int) -> str:
    """The paragraph repeated, cut at the last sentence end that fits in `chars`."""
    text = PARAGRAPH * (chars // len(PARAGRAPH) + 1)
    return text[: text.rfind(". ", 0, chars) + 1]


def largest_join_step(rendering: Rendering) -> tuple[float, float]:
    """The largest step at a sentence's edge, and the signal's own 99.9th percentile step."""
    samples, reach = rendering.samples, round(0.002 * rendering.sample_rate)
    steps = np.abs(np.diff(samples))
    return largest_step_near(samples, rendering.sentence_edges, reach), float(np.percentile(steps[steps > 0], 99.9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--chars", type=int, default=AUDIO_TEXT_LIMIT - 1)
    parser.add_argument("--model-dir", type=Path, default=ROOT / ".cache" / "models")
    args = parser.parse_args()

    engine = load_engine("kokoro", model_dir=args.model_dir, threads=args.threads)
    engine.prepare()
    voice = engine.system_voices()[args.voice]
    text = long_text(args.chars)
    first_audio_s: list[float] = []
    started = time.perf_counter()
    rendering = render_script(engine, parse_script(text), voice, SynthesisOptions(language="en"),
                              on_audio=lambda _: first_audio_s or first_audio_s.append(time.perf_counter() - started))
    wall = time.perf_counter() - started
    worst, normal = largest_join_step(rendering)
    rows = [
        ("text", f"{len(text)} characters", f"{len(rendering.sentences)} sentences"),
        ("audio", f"{rendering.duration_s / 60:.1f} min", f"{len(rendering.words)} word cues"),
        ("rendering", f"{wall:.0f} s", f"RTF {wall / rendering.duration_s:.2f}"),
        ("first audio", f"{first_audio_s[0]:.2f} s", "(what a stream waits for)"),
        ("largest step at a join", f"{worst:.4f}", f"signal's 99.9th percentile {normal:.4f}"),
        ("peak memory", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", ""),
    ]
    print_table(f"threads={args.threads}, voice {args.voice}", rows, cell_width=24)


if __name__ == "__main__":
    main()
