"""eSpeak NG IPA rewritten into the spelling Kokoro was trained on (pure functions, the real vocabulary)."""

import json

import numpy as np
import pytest

from bench.sentences import LANGUAGE_SENTENCES
from soundclone.domain.languages import ALL_LANGUAGES
from soundclone.speech.engine import SynthesisOptions
from soundclone.speech.frontend import Frontend
from soundclone.speech.kokoro import model as kokoro_model
from soundclone.speech.kokoro.symbols import ENGLISH, SUBSTITUTES, TIED, kokoro_phonemes, token_ids, unknown_symbols


@pytest.fixture(scope="module")
def vocab():
    return json.loads((kokoro_model._data_dir() / "vocab.json").read_text(encoding="utf-8"))["vocab"]


def test_tied_affricates_and_diphthongs_become_single_symbols_in_every_language():
    assert kokoro_phonemes("ft͡ʃʲirˈɑ", "ru") == "fʧʲirˈɑ"
    assert kokoro_phonemes("t͡sˈa͡ɪt", "de") == "ʦˈIt"
    assert kokoro_phonemes("kwˈa͡ɪ͡ət", "en") == "kwˈIət"   # a stray tie bar is dropped


def test_english_takes_the_american_lexicon_spelling():
    assert kokoro_phonemes("bˈiːt͡ʃ", "en") == "bˈiʧ"
    assert kokoro_phonemes("bˈɜːd", "en") == "bˈɜɹd"
    assert kokoro_phonemes("bˈʌɾɚ", "en") == "bˈʌTəɹ"
    assert kokoro_phonemes("bˈʌɾɚ", "es") == "bˈʌɾɚ"   # other languages keep their symbols


def test_every_replacement_is_a_symbol_the_model_has(vocab):
    for replacement in [*TIED.values(), *ENGLISH.values(), *SUBSTITUTES.values()]:
        assert all(symbol in vocab for symbol in replacement), replacement


def test_symbols_outside_the_vocabulary_are_spoken_as_their_nearest(vocab):
    assert token_ids("ɫ", vocab) == [vocab["l"]]
    assert token_ids("pʉ", vocab) == [vocab["p"], vocab["u"]]
    assert token_ids("t\u032a", vocab) == [vocab["t"]]        # the dental mark refines t; t stays
    assert unknown_symbols("a\u02de", vocab) == {"\u02de"}


@pytest.mark.parametrize("language, sentence", [
    ("ru", "Вчера вечером мы гуляли по парку."), ("pl", "W sobotę pojechaliśmy nad jezioro."),
    ("ar", "ذهبت العائلة إلى السوق."), ("sv", "I helgen åkte vi ut till landet."),
    ("de", "Am Wochenende fahren wir zur Zeit."), ("en", "The children walked along the quiet beach."),
    ("yue", "我哋今晚去茶餐廳食飯。"), ("vi", "Sáng nay tôi đi chợ mua rau."),
    ("th", "เมื่อวานนี้ฉันไปตลาดกับแม่เพื่อซื้อผักและผลไม้สดมาทำอาหาร"),
])
def test_nothing_the_frontends_write_for_these_sentences_is_dropped(vocab, language, sentence):
    phonemes = "".join(kokoro_phonemes(w.phonemes, language) for w in Frontend().words(sentence, language))
    assert not unknown_symbols(phonemes, vocab)


def test_espeak_cantonese_jyutping_becomes_ipa_with_tones_and_unreleased_codas():
    from soundclone.speech.frontend import cantonese_ipa

    espeak = "ŋˈo5 dˈe͡i2 ɡˈa1m mˈa͡a5n hˈe͡o͡iɜ cˈa͡a4 tˈe͡n͡ɡ1 sˈi6k"   # 我哋今晚去茶廳食
    assert cantonese_ipa(espeak) == "ŋˈɔ5 tˈei2 kˈɐ1m mˈaː5n hˈɵy3 t͡sʰˈaː4 tʰˈɛŋ1 sˈi6k"
    assert kokoro_phonemes(cantonese_ipa("cˈa͡a4 hˈe͡o͡iɜ"), "yue") == "ʦʰˈaː↓ hˈɵy→"


def test_tones_follow_each_language_s_contours():
    assert kokoro_phonemes("mˈaːɜ mˌaː2 mˈaː4", "vi") == "mˈaː↗ mˌaː↘ mˈaː↓"   # sắc rises, huyền falls, hỏi dips
    assert kokoro_phonemes("sˈi6k jˈa1t", "yue") == "sˈi↓k jˈa→t"


def test_danish_stod_does_not_break_the_word():
    assert kokoro_phonemes("sˈʔ͡ykləðə stʁˈ?͡ɑnən", "da") == "sˈykləðə stʁˈɑnən"


def test_thai_vowels_written_before_their_consonant_are_spoken_after_it():
    words = Frontend().words("ฉันไปตลาด", "th")
    assert [w.text for w in words] == ["ฉัน", "ไป", "ตลาด"]     # segmented: Thai writes no spaces
    assert words[1].phonemes == "paj"                            # ไป: the vowel ไ is written first, said last


def test_thai_tones_become_arrows_and_final_stops_are_unreleased():
    phonemes = {w.text: w.phonemes for w in Frontend().words("แม่ ไม้ ผล กับ มา", "th")}
    assert phonemes == {"แม่": "mɛː↘", "ไม้": "maj→", "ผล": "pʰon↗", "กับ": "kap↓", "มา": "maː"}


def test_thai_digits_are_read_as_thai_numerals():
    words = Frontend().words("ราคา 250 บาท", "th")
    assert [w.text for w in words] == ["ราคา", "250", "บาท"]
    assert words[1].phonemes == "sɔːŋ↗rɔːj→haː↘sip↓"            # สองร้อยห้าสิบ
    same = Frontend().words("๒๕๐ 1,000 2.5", "th")                # Thai digits, a thousands comma, a decimal point
    assert same[0].phonemes == words[1].phonemes
    assert same[1].phonemes == Frontend().words("1000", "th")[0].phonemes
    assert same[2].phonemes.startswith(Frontend().words("2", "th")[0].phonemes) and "t" in same[2].phonemes


def test_arabic_short_vowels_are_written_in_and_the_words_keep_their_spelling():
    words = Frontend().words("ذهبت العائلة إلى السوق.", "ar")
    assert [w.text for w in words] == ["ذهبت", "العائلة", "إلى", "السوق."]
    assert words[0].phonemes.replace("ˈ", "").replace("ˌ", "").startswith("ðahab")   # not the bare "ðhbt"
    assert words[-1].phonemes.endswith(".")


def test_arabic_the_writer_vocalized_is_read_as_written():
    assert Frontend().words("ذَهَبَ", "ar")[0].phonemes.replace("ˈ", "").replace("ˌ", "") == "ðahaba"


def test_arabic_words_are_read_without_their_case_endings():
    words = Frontend().words("ذهبت العائلة إلى السوق", "ar")
    bare = [w.phonemes.replace("ˈ", "").replace("ˌ", "") for w in words]
    assert bare[3].endswith("q")                                # as-suːq, not as-suːqi
    assert bare[1].endswith("ah")                               # al-ʕaːʔilah: ta marbuta before a pause


def test_every_language_the_api_lists_reaches_a_frontend_that_reads_it(vocab):
    """Each of the 40 API languages maps to an engine code the options accept, and that language's frontend turns
    a sentence of it into phonemes with no symbol the model lacks (bench/sentences.py, three per language)."""
    frontend = Frontend()
    for name, code in ALL_LANGUAGES.items():
        assert SynthesisOptions(language=code).language == code, name
        sentence = LANGUAGE_SENTENCES[code][0]
        words = frontend.words(sentence, code)
        assert words and all(w.phonemes for w in words), (name, words)
        phonemes = "".join(kokoro_phonemes(w.phonemes, code) for w in words)
        assert not unknown_symbols(phonemes, vocab), (name, unknown_symbols(phonemes, vocab))
    assert np.isclose(SynthesisOptions().speed, 1.0)
