"""What each part of the refinement buys: one draft per speaker, then the refinement run from it under each variant.

    .venv/bin/python bench/refine_study.py [--speakers fr_june,en_allison] \
        [--variant shipped] [--variant before:long_term_weight=0,spread_weight=0] [--variant nopull:pull_toward_start=0,steps=60]

A variant is a name and the refinement settings it changes (fields of speech/kokoro/inversion.py's InversionSettings,
comma-separated NAME=VALUE); `shipped` changes nothing. Every variant of a speaker resumes from the same 4-step draft
(SOUNDCLONE_DRAFT_STEPS), as jobs/refine.py does in the service, and speaks bench/quality.py's test sentences for that
speaker; the judges, calibration and ASR are bench/quality.py's. Prints one row per speaker and variant and each
variant's averages (GE2E n, MFCC n, English WER, DNSMOS OVRL, refinement seconds), and writes
bench/results/refine_study.json. Refinement seconds are wall-clock on this machine: run it alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "refine_study.json"
COLUMNS = ("GE2E_norm", "MFCC_norm", "wer_en", "ovrl", "enroll_s")


@dataclasses.dataclass(frozen=True)
class Variant:
    name: str
    changes: dict

    @classmethod
    def parse(cls, text: str) -> "Variant":
        from soundclone.speech.kokoro.inversion import InversionSettings

        name, _, spec = text.partition(":")
        kinds = {f.name: f.type for f in dataclasses.fields(InversionSettings)}
        changes = {}
        for item in filter(None, spec.split(",")):
            key, _, value = item.partition("=")
            if key not in kinds:
                raise SystemExit(f"variant {name}: {key!r} is not an InversionSettings field ({sorted(kinds)})")
            changes[key] = int(value) if kinds[key] == "int" else float(value)
        return cls(name, changes)


def refine(engine, speaker, draft, variant: Variant):  # noqa: ANN001, ANN201
    from soundclone.speech.kokoro.inversion import StyleInverter, refine_settings

    settings = dataclasses.replace(refine_settings(engine.refine_steps, engine.threads), **variant.changes)
    started = time.perf_counter()
    profile = StyleInverter(engine, settings).enroll(speaker.audio("enroll"), speaker.rate, resume=draft)
    return profile, time.perf_counter() - started


def study(engine, speaker, variants: list[Variant], calibrations) -> dict:  # noqa: ANN001
    sentences = quality.sentences_for(speaker, quality.FULL_SENTENCES)
    draft = engine.enroll_draft(speaker.audio("enroll"), speaker.rate)
    rows = {}
    for variant in variants:
        profile, seconds = refine(engine, speaker, draft, variant)
        spoken = quality.speak(engine, speaker, profile, sentences)
        summary = quality.summarize({"sentences": spoken, "enrollment": {"seconds": seconds, "peak_mb": None}},
                                    calibrations, "cloned")
        rows[variant.name] = {"summary": summary, "profile": profile.details, "sentences": spoken}
        quality.log(f"  {speaker.id} {variant.name}: " + " ".join(f"{c} {quality.fmt(summary[c])}" for c in COLUMNS))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speakers", default=",".join(quality.FULL_SPEAKERS))
    parser.add_argument("--variant", action="append", dest="variants", help="NAME[:FIELD=VALUE,...] (repeatable)")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    variants = [Variant.parse(v) for v in (args.variants or ["shipped"])]
    quality._quiet_judge_threads()
    speakers = quality.load_speakers()
    by_id = {s.id: s for s in speakers}
    wanted = args.speakers.split(",")
    if missing := set(wanted) - set(by_id):
        raise SystemExit(f"unknown speakers {sorted(missing)}")
    quality.add_chunk_features(speakers)
    calibrations = quality.calibrate_judges(speakers)
    engine = quality.load_configured_engine()
    engine.prepare()
    quality.warm_up(engine)
    results = {}
    for speaker_id in wanted:
        quality.log(f"speaker {speaker_id}")
        results[speaker_id] = study(engine, by_id[speaker_id], variants, calibrations)
    table = [[speaker_id, v.name, *(results[speaker_id][v.name]["summary"][c] for c in COLUMNS)]
             for speaker_id in wanted for v in variants]
    averages = {v.name: {c: float(np.mean([results[s][v.name]["summary"][c] for s in wanted])) for c in COLUMNS}
                for v in variants}
    table += [["average", v.name, *(averages[v.name][c] for c in COLUMNS)] for v in variants]
    quality.print_table("refinement variants (resumed from each speaker's draft)",
                        ["speaker", "variant", "GE2E n", "MFCC n", "WER en", "OVRL", "refine s"], table)
    quality.write_json(args.json, {"variants": {v.name: v.changes for v in variants}, "results": results,
                                   "averages": averages})
    return 0


if __name__ == "__main__":
    sys.exit(main())
