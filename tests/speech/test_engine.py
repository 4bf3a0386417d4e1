"""The real Kokoro engine: model checks, profile format, frontends, controls, timings, enrollment."""

from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from soundclone.speech.engine import SynthesisOptions, VoiceProfileError
from soundclone.speech.frontend import Frontend
from soundclone.speech.languages import LanguageDetector
from soundclone.speech.profile import VoiceProfile
from tests.conftest import REFERENCE_WAV

pytestmark = pytest.mark.slow
SENTENCE = "The weather was calm and the river ran slowly past the old mill."


def speak(engine, voice, text=SENTENCE, **options):
    chunks = list(engine.synthesize(text, voice, SynthesisOptions(language="en", **options)))
    return chunks, np.concatenate([c.samples for c in chunks])


def test_profile_round_trip_and_damage_is_detected(voice):
    data = voice.to_bytes()
    again = VoiceProfile.from_bytes(data)
    assert np.array_equal(again.style, voice.style) and again.f0_scale == voice.f0_scale
    for damaged in (data[:10], b"XXXX" + data[4:], data[:-4] + b"\0\0\0\0", data[:100]):
        with pytest.raises(VoiceProfileError):
            VoiceProfile.from_bytes(damaged)


def test_frontends_work_without_a_model():
    frontend = Frontend()
    assert [w.text for w in frontend.words("Hello world, again.", "en")] == ["Hello", "world,", "again."]
    assert "ʦ" in frontend.words("在森林", "zh")[0].phonemes
    assert frontend.words("Bonjour le monde.", "fr")[0].phonemes
    assert frontend.words("こんにちは。", "ja")[0].phonemes


@pytest.mark.parametrize(("language", "sentence", "expected"), [
    ("en", "I have 45 apples.", {"45": "fˈɔː͡ɹɾi fˈa͡ɪv"}),
    ("en", "It was 1,000,000 people, 1.5 percent.", {"1,000,000": "wˈʌn mˈɪli͡ən", "1.5": "wˈʌn pɔ͡ɪnt fˈa͡ɪv"}),
    ("en", "It costs $1.50, or £20.", {"$1.50,": "wˈʌn dˈɑːlɚ fˈɪfti sˈɛnts,", "£20.": "twˈɛnti pˈa͡ʊndz."}),
    # a number that ends the sentence or clause: its own mark and the clause's must both be kept apart
    ("en", "Growth was 1.5.", {"1.5.": "wˈʌn pɔ͡ɪnt fˈa͡ɪv."}),
    ("en", "We sold 1,000,000, then stopped.", {"1,000,000,": "wˈʌn mˈɪli͡ən,", "then": "ðˈɛn", "stopped.": "stˈɑːpt."}),
    ("de", "Es waren 1.000. Dann 1,5, gut.", {"1.000.": "ˈa͡ɪn tˈa͡ʊzənt.", "1,5,": "ˈa͡ɪns kɔmɑː fˈʏnf,", "gut.": "ɡˈuːt."}),
    ("de", "Es kostet 1.000 Euro, 1,5 Prozent.", {"1.000": "ˈa͡ɪn tˈa͡ʊzənt", "1,5": "ˈa͡ɪns kɔmɑː fˈʏnf"}),
    ("zh", "我有45个苹果,增长了30%。", {"45": "sɨ↘ʂɨ↗u↓", "30%。": "pai↓fə→nꭧɨ→sa→nʂɨ↗."}),
    ("en", "We met on 2021-03-04 and 3/4/2021.", {"2021-03-04": "mˈɑː͡ɹt͡ʃ fˈɔː͡ɹ, tˈuː θˈa͡ʊzənd twˈɛnti wˈʌn",
                                                 "3/4/2021.": "mˈɑː͡ɹt͡ʃ fˈɔː͡ɹ, tˈuː θˈa͡ʊzənd twˈɛnti wˈʌn."}),
    ("de", "Am 04.03.2021 um 10:30 Uhr.", {"04.03.2021": "fˈiːɾ mˈɛɾt͡s t͡svˈa͡ɪ tˈa͡ʊzənt ˈa͡ɪn ʊntt͡svˈant͡sɪç",
                                          "10:30": "t͡sˈeːn uːɾ dɾˈa͡ɪsɪç"}),
    ("fr", "Le 04/03/2021.", {"04/03/2021.": "kˈatʁ mˈaʁs dø mil vɛ̃teˈœ̃."}),
    ("zh", "会议在2021-03-04举行。", {"二零二": "ɚ↘li↗ŋɚ↘", "一年": "i→njɛ↗n"}),  # the year digit by digit
    ("ar", "ذهبت إلى السوق في 04/03/2021.", {"ذهبت": "ðahˈabat", "04/03/2021.": "ʔˈarbaʕʕˌa mˈaːris ʔalfˈaːn wa wˈaːħidwˌaʕiʃrˈuːn."}),
])
def test_numbers_money_percentages_and_dates_are_read_as_words(language, sentence, expected):
    phonemes = {w.text: w.phonemes for w in Frontend().words(sentence, language)}
    assert {text: phonemes.get(text) for text in expected} == expected


def test_auto_detects_language():
    detector = LanguageDetector()
    assert detector.detect("今天天气很好。") == "zh"
    assert detector.detect("The weather is lovely today, is it not?") == "en"
    assert detector.detect("こんにちは、元気ですか。") == "ja"


def test_one_chunk_per_sentence_at_24k_with_ordered_words(engine, voice):
    chunks, audio = speak(engine, voice, "First sentence here. And a second one follows!")
    assert len(chunks) == 2 and all(c.sample_rate == 24_000 for c in chunks)
    assert 1.5 < len(audio) / 24_000 < 8
    for chunk in chunks:
        starts = [w.start for w in chunk.words]
        assert starts == sorted(starts) and all(0 <= w.start <= w.end <= chunk.duration_s + 1e-6 for w in chunk.words)


def test_pack_choice_baseline_makes_a_usable_profile_close_to_the_reference(engine):
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    # three Japanese packs, one of them male: choosing among all 54 would first have every pack speak (minutes;
    # bench/quality.py does), and each more pack costs a few seconds here
    chosen = ("jf_alpha", "jm_kumo", "jf_nezumi")
    japanese = replace(engine, packs={name: engine.packs[name] for name in chosen})
    profile = japanese.enroll_by_pack_choice(samples, rate)
    restored = VoiceProfile.from_bytes(profile.to_bytes())
    assert restored.details["packs"][0] == "jm_kumo"  # the male pack among them, for a male reader
    _, audio = speak(engine, restored)
    assert len(audio) > 24_000
    assert restored.details["similarity"] >= max(restored.details["pack_similarity"].values())


def test_a_voices_equalizer_shapes_its_speech_and_keeps_its_timings(engine, voice):
    from dataclasses import replace

    from soundclone.speech import equalizer

    boost = np.where((equalizer.BAND_CENTERS_HZ > 900) & (equalizer.BAND_CENTERS_HZ < 2500), 8.0, 0.0)
    flat_chunks, flat = speak(engine, voice)
    shaped_chunks, shaped = speak(engine, replace(voice, equalizer_db=tuple(boost)))
    change = equalizer.band_levels_db(shaped, 24_000) - equalizer.band_levels_db(flat, 24_000)
    middle = (equalizer.BAND_CENTERS_HZ > 1200) & (equalizer.BAND_CENTERS_HZ < 2000)
    outside = (equalizer.BAND_CENTERS_HZ > 300) & (equalizer.BAND_CENTERS_HZ < 600)
    assert 6.5 < change[middle].mean() - change[outside].mean() < 9.0   # loudness is normalized after the filter
    assert [w.start for w in shaped_chunks[0].words] == [w.start for w in flat_chunks[0].words]
