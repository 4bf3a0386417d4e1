"""Dates written in digits become the language's written-out form (pure; CLDR data through Babel)."""

import pytest

from soundclone.speech.dates import rewrite_dates


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("2021-03-04", "en", "March 4, 2021"),
    ("3/4/2021,", "en", "March 4, 2021,"),          # English (US) writes the month first
    ("3/4/2021", "fil", "Marso 4, 2021"),
    ("04/03/2021", "fr", "4 mars 2021"),             # elsewhere the day comes first
    ("04.03.2021", "de", "4 März 2021"),             # no dots left for eSpeak NG to pause at
    ("4.3.2021", "ru", "4 марта 2021"),              # and no "г." abbreviation
    ("2021.03.04.", "hu", "2021 március 4."),
    ("04.03.2021", "sv", "4 mars 2021"),             # Swedish writes dates year first: no month-first order
    ("ב-04/03/2021", "he", "ב-4 במרץ 2021"),
    ("会议在2021-03-04举行", "zh", "会议在二零二一年3月4日举行"),   # Chinese years are said digit by digit
    ("我生于1990年。", "zh", "我生于一九九零年。"),
    ("2021/3/4", "ja", "2021年3月4日"),
])
def test_a_date_is_written_out_in_the_languages_own_order(text, language, expected):
    assert rewrite_dates(text, language) == expected


@pytest.mark.parametrize("text", ["13/13/2021", "2021-02-30", "1.2.3", "version 1.04.2021.5", "10:30", "12/2021"])
def test_what_is_not_a_date_is_left_as_written(text):
    assert rewrite_dates(text, "en") == text
