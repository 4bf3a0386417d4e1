import pytest

from soundclone.domain.text import (
    MAX_SENTENCE_CHARS, Pause, Speech, TextError, billable_characters, parse_script, split_sentences, strip_markers,
)


def test_markers_become_pauses_between_speech():
    assert parse_script("Hello <#0.5#> world<#1#>!") == (Speech("Hello "), Pause(0.5), Speech(" world"), Pause(1.0), Speech("!"))


@pytest.mark.parametrize("marker, seconds", [("<#0.01#>", 0.01), ("<#99.99#>", 99.99), ("<#5#>", 5.0), ("<#1.5#>", 1.5)])
def test_marker_bounds_accepted(marker, seconds):
    assert parse_script(f"a{marker}b")[1] == Pause(seconds)


@pytest.mark.parametrize("text", [
    "a <#0.001#> b", "a <#100#> b", "a <#0#> b", "a <#0.00#> b", "a <#x#> b", "a <#-1#> b", "a <#1.234#> b",
    "a <#0.5 b", "a #> b", "a <# 1 #> b", "a <#1,5#> b",
])
def test_malformed_markers_are_errors_not_speech(text):
    with pytest.raises(TextError) as caught:
        parse_script(text)
    assert "marker" in caught.value.problem


def test_billable_characters_are_code_points_without_markers():
    assert billable_characters("在森林<#1.25#>的深处") == 6
    assert billable_characters("héllo 👋") == 7
    assert strip_markers("a<#1#>b") == "ab"


def test_sentences_split_on_latin_and_cjk_ends_and_newlines():
    assert split_sentences("Hello Mr. Smith. How are you? 我很好。谢谢！Fine\nnext line") == [
        "Hello Mr. Smith.", "How are you?", "我很好。", "谢谢！", "Fine", "next line",
    ]


def test_decimal_numbers_do_not_split():
    assert split_sentences("Pi is 3.14 exactly. Yes.") == ["Pi is 3.14 exactly.", "Yes."]


def test_long_sentences_are_cut_below_the_limit():
    text = ("word " * 400).strip() + "."
    pieces = split_sentences(text)
    assert len(pieces) > 1 and all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_long_cjk_run_without_spaces_is_cut():
    pieces = split_sentences("字" * 1000)
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces) and "".join(pieces) == "字" * 1000
