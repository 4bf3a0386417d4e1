"""Speaker verification (soundclone/speech/verification.py) on real human speech and on Kokoro's system packs.

    .venv/bin/python scripts/fetch_bench_speech.py && .venv/bin/python bench/speaker_check.py [--no-packs] [--json PATH]

Real speech: every speaker entry that scripts/fetch_bench_speech.py extracted (.cache/speech/bench/*/), the
calibration-only ones included. Each part of an entry (enroll/, heldout/: different recordings) is joined
and cut into consent-like clips (~CONSENT_S of audio, ~6 s of speech: what a person reads to consent) and
sample-like clips (~SAMPLE_S of audio, ~10 s of speech: a voice sample). Every clip becomes a voice print
through verification.voice_print, as the service makes them.
- Same-person pairs: a consent clip against a sample clip of the same person from the OTHER part, so the
  two never share a recording, also across entries of one person (es_allison and en_allison are Allison
  Smith; the *_8k / *_16k entries are the same voices in Asterisk's other channel). Pairs from an entry cut
  from one single recording (meta.json one_recording) are same-session pairs: reported apart, not in the
  totals.
- Different-person pairs: every consent clip against every sample clip of every other person.
- Thresholds: false accepts (FAR: different-person pairs at or above it) and false rejects (FRR: same-person
  pairs below it), over all pairs and per subset (language of consent and sample equal or not; channel:
  "8k" telephone-band material (8 kHz PCM or GSM) or "16k" wideband (16 kHz PCM or G.722)).
Synthesized: a consent phrase and a different sentence rendered by every English Kokoro system pack;
same-pack pairs (consent against the other sentence), and different-pack pairs by sex.

Prints plain tables; writes every score to bench/results/speaker_check.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from table import print_table  # noqa: E402

from soundclone.evaluation.judges import equal_error_rate  # noqa: E402
from soundclone.speech.verification import (  # noqa: E402
    PROTECTED_VOICE_THRESHOLD, SAME_SPEAKER_THRESHOLD, NotEnoughSpeech, VoicePrint, same_speaker, voice_print,
)

SPEECH = ROOT / ".cache" / "speech" / "bench"
MODELS = ROOT / ".cache" / "models"
RESULTS = ROOT / "bench" / "results" / "speaker_check.json"
CONSENT_S = 8.0          # audio seconds per consent-like clip
CONSENT_MIN_S = 5.0
SAMPLE_S = 15.0          # audio seconds per sample-like clip
SAMPLE_MIN_S = 6.0       # (en_librivox's held-out part is 6.3 s)
THRESHOLDS = (0.70, 0.75, 0.78, 0.80, 0.82, 0.84, 0.86, 0.88)
CELL = 14
CONSENT_TEXT = ("I am the person speaking in this recording, and I agree that my voice may be cloned "
                "by this service.")
SAMPLE_TEXT = ("The old lighthouse keeper climbed the narrow stairs every evening, trimmed the wick, and "
               "watched the ships pass safely into the harbour.")
PACK_PREFIXES = ("af_", "am_", "bf_", "bm_")     # the English system packs
PACKS_ALSO = ("jm_kumo",)                         # the test suite's default pack (Japanese male), speaking English
PACK_MARGIN = 0.15       # opposite-sex packs scoring this far under the threshold are "safely apart"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- clips ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clip:
    entry: str        # speaker entry (folder)
    person: str       # meta.json identity
    sex: str
    language: str
    channel: str      # "8k" or "16k"
    part: str         # enroll / heldout
    role: str         # consent / sample
    one_recording: bool
    voiceprint: VoicePrint | None   # None: not enough speech


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as src:
        data = np.frombuffer(src.readframes(src.getnframes()), np.int16)
        return data.astype(np.float32) / 32768.0, src.getframerate()


def pieces(samples: np.ndarray, rate: int, seconds: float, minimum_s: float) -> list[np.ndarray]:
    """Consecutive equal pieces as close to `seconds` as possible, none shorter than `minimum_s`."""
    count = max(1, int(round(len(samples) / (seconds * rate))))
    return [p for p in np.array_split(samples, count) if len(p) >= minimum_s * rate]


def entry_clips(folder: Path) -> list[Clip]:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    clips = []
    for part in ("enroll", "heldout"):
        files = sorted((folder / part).glob("*.wav"))
        if not files:
            continue
        audio = [read_wav(f) for f in files]
        rate = audio[0][1]
        joined = np.concatenate([samples for samples, _ in audio])
        for role, seconds, minimum in (("consent", CONSENT_S, CONSENT_MIN_S), ("sample", SAMPLE_S, SAMPLE_MIN_S)):
            for piece in pieces(joined, rate, seconds, minimum):
                clips.append(Clip(meta["id"], meta["identity"], meta["sex"], meta["language"],
                                  "8k" if rate <= 8000 else "16k", part, role, bool(meta.get("one_recording")),
                                  print_or_none(piece, rate)))
    return clips


def print_or_none(samples: np.ndarray, rate: int) -> VoicePrint | None:
    try:
        return voice_print(samples, rate)
    except NotEnoughSpeech:
        return None


# -- pairs ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    consent: Clip
    sample: Clip
    score: float

    @property
    def same_person(self) -> bool:
        return self.consent.person == self.sample.person

    @property
    def language_match(self) -> bool:
        return self.consent.language == self.sample.language

    @property
    def channels(self) -> str:
        return "/".join(sorted((self.consent.channel, self.sample.channel)))

    @property
    def same_session(self) -> bool:
        return self.same_person and self.consent.one_recording


def all_pairs(clips: list[Clip]) -> list[Pair]:
    """Consent x sample pairs; same-person ones only across parts (never sharing a recording)."""
    consents = [c for c in clips if c.role == "consent" and c.voiceprint]
    samples = [c for c in clips if c.role == "sample" and c.voiceprint]
    pairs = []
    for consent, sample in itertools.product(consents, samples):
        if consent.person == sample.person and consent.part == sample.part:
            continue
        pairs.append(Pair(consent, sample, same_speaker(consent.voiceprint, sample.voiceprint)))
    return pairs


def rates(pairs: list[Pair], threshold: float) -> tuple[float | None, float | None, int, int]:
    """(FAR, FRR, different-person pairs, same-person pairs) at `threshold`; same-session pairs left out."""
    same = [p.score for p in pairs if p.same_person and not p.same_session]
    different = [p.score for p in pairs if not p.same_person]
    far = float(np.mean(np.array(different) >= threshold)) if different else None
    frr = float(np.mean(np.array(same) < threshold)) if same else None
    return far, frr, len(different), len(same)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


SUBSETS = {
    "all": lambda p: True,
    "same language": lambda p: p.language_match,
    "other language": lambda p: not p.language_match,
    "channel 8k/8k": lambda p: p.channels == "8k/8k",
    "channel 16k/16k": lambda p: p.channels == "16k/16k",
    "channel 16k/8k": lambda p: p.channels == "16k/8k",
    "same lang+chan": lambda p: p.language_match and p.consent.channel == p.sample.channel,
    "same sex": lambda p: p.consent.sex == p.sample.sex,
}


# -- report: real speech -------------------------------------------------------------------------------------

def report_real(clips: list[Clip], pairs: list[Pair], threshold: float) -> dict:
    same = [p.score for p in pairs if p.same_person and not p.same_session]
    different = [p.score for p in pairs if not p.same_person]
    eer = equal_error_rate(same, different)
    people = {c.person for c in clips}
    refused = [f"{c.entry}/{c.part}/{c.role}" for c in clips if c.voiceprint is None]
    columns = (("FAR", "all", 0), ("FAR same sex", "same sex", 0), ("FRR", "all", 1),
               ("FRR same lang", "same language", 1), ("FRR other lang", "other language", 1),
               ("FRR 16k/8k", "channel 16k/8k", 1))
    rows = [["threshold"] + [label for label, _, _ in columns]]
    for t in sorted(set(THRESHOLDS) | {threshold}):
        cells = [percent(rates([p for p in pairs if SUBSETS[subset](p)], t)[which]) for _, subset, which in columns]
        rows.append([f"{t:.2f}" + (" chosen" if t == threshold else "")] + cells)
    print_table(f"\nReal speech: {len(people)} people, {len({c.entry for c in clips})} entries, "
                f"{sum(c.voiceprint is not None for c in clips)} clips, {len(same)} same-person and {len(different)} "
                f"different-person pairs; EER {100 * eer:.1f}%", rows, cell_width=CELL)

    rows = [["subset", "same prs", "diff prs", "FRR", "FAR", "same min", "same med", "diff med", "diff max"]]
    for name, keep in SUBSETS.items():
        chosen = [p for p in pairs if keep(p)]
        far, frr, n_diff, n_same = rates(chosen, threshold)
        s = [p.score for p in chosen if p.same_person and not p.same_session]
        d = [p.score for p in chosen if not p.same_person]
        rows.append([name, str(n_same), str(n_diff), percent(frr), percent(far), stat(s, np.min), stat(s, np.median),
                     stat(d, np.median), stat(d, np.max)])
    session = [p.score for p in pairs if p.same_session]
    rows.append(["one recording", str(len(session)), "-", percent(np.mean(np.array(session) < threshold) if session
                                                                   else None), "-", stat(session, np.min),
                 stat(session, np.median), "-", "-"])
    print_table(f"\nBy subset at the threshold {threshold:.2f} (channel: 8k = 8 kHz PCM/GSM, 16k = 16 kHz PCM/G.722)",
                rows, cell_width=CELL - 2)

    print_closest_strangers(pairs, threshold)
    print_people(clips, pairs)
    if refused:
        print(f"\nclips refused for too little speech (VAD): {', '.join(refused)}")
    return {"eer": eer, "people": sorted(people), "refused_clips": refused,
            "pairs": [{"consent": p.consent.entry, "sample": p.sample.entry, "same_person": p.same_person,
                       "same_session": p.same_session, "channels": p.channels, "language_match": p.language_match,
                       "score": round(p.score, 4)} for p in pairs]}


def stat(values: list[float], how) -> str:  # noqa: ANN001
    return f"{float(how(values)):.3f}" if values else "-"


def print_closest_strangers(pairs: list[Pair], threshold: float, count: int = 8) -> None:
    by_entries: dict[tuple[str, str], list[float]] = {}
    for p in pairs:
        if not p.same_person:
            key = tuple(sorted((p.consent.entry, p.sample.entry)))
            by_entries.setdefault(key, []).append(p.score)
    worst = sorted(by_entries.items(), key=lambda item: -max(item[1]))[:count]
    rows = [["entries", "pairs", "max", "median", "accepted"]]
    rows += [[f"{a} ~ {b}", str(len(s)), f"{max(s):.3f}", f"{np.median(s):.3f}",
              percent(float(np.mean(np.array(s) >= threshold)))] for (a, b), s in worst]
    print_table("\nClosest different people (by their highest-scoring pair)", rows, cell_width=CELL)


def print_people(clips: list[Clip], pairs: list[Pair]) -> None:
    rows = [["entry", "person", "sex", "lang", "chan", "clips", "same min", "stranger max"]]
    for entry in sorted({c.entry for c in clips}):
        mine = [c for c in clips if c.entry == entry]
        mine_pairs = [p for p in pairs if entry in (p.consent.entry, p.sample.entry)]
        same = [p.score for p in mine_pairs if p.same_person and not p.same_session]
        strangers = [p.score for p in mine_pairs if not p.same_person]
        first = mine[0]
        rows.append([entry, first.person, first.sex[0].upper(), first.language, first.channel,
                     str(sum(c.voiceprint is not None for c in mine)), stat(same, np.min), stat(strangers, np.max)])
    print_table("\nEntries", rows, cell_width=CELL + 4)


# -- report: Kokoro packs ------------------------------------------------------------------------------------

def pack_prints() -> dict[str, dict[str, VoicePrint]]:
    from soundclone.speech.engine import SynthesisOptions, load_engine

    engine = load_engine("kokoro", model_dir=MODELS)
    voices = {name: v for name, v in engine.system_voices().items()
              if name.startswith(PACK_PREFIXES) or name in PACKS_ALSO}
    prints = {}
    for name, voice in sorted(voices.items()):
        prints[name] = {}
        for role, text in (("consent", CONSENT_TEXT), ("sample", SAMPLE_TEXT)):
            chunks = list(engine.synthesize(text, voice, SynthesisOptions(language="en")))
            prints[name][role] = voice_print(np.concatenate([c.samples for c in chunks]), chunks[0].sample_rate)
    return prints


def pack_sex(name: str) -> str:
    return "female" if name[1] == "f" else "male"


def report_packs(prints: dict[str, dict[str, VoicePrint]], threshold: float) -> dict:
    names = sorted(prints)
    same = {n: same_speaker(prints[n]["consent"], prints[n]["sample"]) for n in names}
    cross = {(a, b): same_speaker(prints[a]["consent"], prints[b]["sample"])
             for a, b in itertools.permutations(names, 2)}
    same_sex = [s for (a, b), s in cross.items() if pack_sex(a) == pack_sex(b)]
    other_sex = [s for (a, b), s in cross.items() if pack_sex(a) != pack_sex(b)]
    rows = [["pairs", "count", "min", "median", "max", f">= {threshold:.2f}"]]
    for label, values in (("same pack", list(same.values())), ("other pack, same sex", same_sex),
                          ("other pack, other sex", other_sex)):
        v = np.array(values)
        rows.append([label, str(len(v)), f"{v.min():.3f}", f"{np.median(v):.3f}", f"{v.max():.3f}",
                     percent(float(np.mean(v >= threshold)))])
    print_table(f"\nKokoro system packs ({len(names)}: the English ones and {', '.join(PACKS_ALSO)}), speaking "
                f"English: consent phrase against another sentence",
                rows, cell_width=CELL)

    rows = [["pack", "same", "closest other pack", "score", "closest other sex", "score"]]
    for n in names:
        others = {b: cross[(n, b)] for b in names if b != n}
        nearest = max(others, key=others.get)
        other_sex = {b: s for b, s in others.items() if pack_sex(b) != pack_sex(n)}
        nearest_other = max(other_sex, key=other_sex.get)
        rows.append([n, f"{same[n]:.3f}", nearest, f"{others[nearest]:.3f}", nearest_other,
                     f"{other_sex[nearest_other]:.3f}"])
    print_table("\nPer pack (consent of the pack against the other pack's sample)", rows, cell_width=CELL + 4)

    passing = sorted(((a, b, s) for (a, b), s in cross.items() if s >= threshold), key=lambda x: -x[2])
    if passing:
        print(f"\nother-pack pairs at or above {threshold:.2f} (a test must not use them as 'different speakers'):")
        for a, b, s in passing:
            print(f"  consent {a:<12} sample {b:<12} {s:.3f}")
    safe = [n for n in names if same[n] >= threshold + PACK_MARGIN / 3]
    apart = sorted(((a, b, max(cross[(a, b)], cross[(b, a)])) for a, b in itertools.combinations(names, 2)
                    if pack_sex(a) != pack_sex(b) and a in safe and b in safe
                    and max(cross[(a, b)], cross[(b, a)]) <= threshold - PACK_MARGIN), key=lambda x: x[2])
    print(f"\n{len(apart)} opposite-sex pack pairs score at most {threshold - PACK_MARGIN:.2f} both ways and each pack "
          f"passes itself by {PACK_MARGIN / 3:.2f}; the farthest apart: "
          + ", ".join(f"{a}/{b} {s:.3f}" for a, b, s in apart[:6]))
    return {"same_pack": same, "cross_pack": {f"{a}|{b}": s for (a, b), s in cross.items()},
            "above_threshold": [list(x) for x in passing]}


# -- report: protected voices --------------------------------------------------------------------------------

PROTECTION_THRESHOLDS = (0.70, 0.72, 0.75, 0.78, 0.80, 0.82)


def protected_recordings(clips: list[Clip], person: str, count: int) -> list[VoicePrint]:
    """What an operator adds for one person: `count` consent-length clips of the enroll part, taken in turn from
    each of the person's entries (so a second language or channel is covered when there is one)."""
    by_entry: dict[str, list[Clip]] = {}
    for c in clips:
        if c.person == person and c.part == "enroll" and c.role == "consent" and c.voiceprint:
            by_entry.setdefault(c.entry, []).append(c)
    interleaved = [c for group in itertools.zip_longest(*by_entry.values()) for c in group if c is not None]
    return [c.voiceprint for c in interleaved[:count]]


def best_score(guarded: list[VoicePrint], attempt: VoicePrint) -> float:
    return max(same_speaker(g, attempt) for g in guarded)


def report_protection(clips: list[Clip], service_threshold: float) -> dict:
    """Each person in turn protected (1 or 3 recordings); attempts are voice-sample-length clips. Caught: the
    person's own held-out samples (other recordings) at or above the threshold. Falsely blocked: every other
    person's samples. Against a list: each sample checked against everyone else protected at once (3 recordings
    each), as an operator with a dozen protected people would run it."""
    people = sorted({c.person for c in clips})
    samples = [c for c in clips if c.role == "sample" and c.voiceprint]
    guarded = {count: {p: protected_recordings(clips, p, count) for p in people} for count in (1, 3)}
    scores: dict[int, tuple[list[float], list[float]]] = {}
    for count, lists in guarded.items():
        own, strangers = [], []
        for person, prints in lists.items():
            if not prints:
                continue
            for sample in samples:
                if sample.person == person:
                    if sample.part == "heldout" and not sample.one_recording:
                        own.append(best_score(prints, sample.voiceprint))
                else:
                    strangers.append(best_score(prints, sample.voiceprint))
        scores[count] = (own, strangers)
    against_list = [max(best_score(prints, s.voiceprint) for p, prints in guarded[3].items() if p != s.person and prints)
                    for s in samples]
    rows = [["threshold", "caught (1 rec)", "false block (1 rec)", "caught (3 recs)", "false block (3 recs)",
             f"blocked by a list of {len(people) - 1}"]]
    table = []
    for t in sorted(set(PROTECTION_THRESHOLDS) | {service_threshold}):
        line = {"threshold": t}
        for count in (1, 3):
            own, strangers = scores[count]
            line[f"caught_{count}"] = float(np.mean(np.array(own) >= t))
            line[f"false_block_{count}"] = float(np.mean(np.array(strangers) >= t))
        line["list_false_block"] = float(np.mean(np.array(against_list) >= t))
        table.append(line)
        rows.append([f"{t:.2f}" + (" service" if t == service_threshold else ""),
                     percent(line["caught_1"]), percent(line["false_block_1"]), percent(line["caught_3"]),
                     percent(line["false_block_3"]), percent(line["list_false_block"])])
    print_table(f"\nProtected voices: {len(people)} people each protected in turn; {len(scores[3][0])} own held-out "
                f"samples, {len(scores[3][1])} stranger samples, {len(against_list)} samples against a list",
                rows, cell_width=CELL)
    return {"people": len(people), "own_samples": len(scores[3][0]), "stranger_samples": len(scores[3][1]),
            "rows": table}


# -- main ----------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-packs", action="store_true", help="skip the synthesized Kokoro packs")
    parser.add_argument("--threshold", type=float, default=SAME_SPEAKER_THRESHOLD,
                        help=f"the threshold the tables are cut at (default: the service's {SAME_SPEAKER_THRESHOLD})")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    folders = sorted(p.parent for p in SPEECH.glob("*/meta.json"))
    if not folders:
        raise SystemExit("no benchmark speech: run scripts/fetch_bench_speech.py first")
    started = time.perf_counter()
    log(f"voice prints of {len(folders)} speaker entries")
    clips = [clip for folder in folders for clip in entry_clips(folder)]
    pairs = all_pairs(clips)
    results = {"threshold": args.threshold, "real": report_real(clips, pairs, args.threshold),
               "protection": report_protection(clips, PROTECTED_VOICE_THRESHOLD)}
    if not args.no_packs:
        log("rendering the English Kokoro system packs")
        results["packs"] = report_packs(pack_prints(), args.threshold)
    log(f"done in {time.perf_counter() - started:.0f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
