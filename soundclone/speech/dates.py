"""Dates written in digits, rewritten the way the language writes them out, so the frontend reads them as words.

eSpeak NG reads "2021-03-04" as "two thousand twenty-one dash zero three dash zero four" and "04.03.2021" digit
group by digit group; Mandarin's G2P reads "2021-03-04" without 年 月 日. Month names and word order come from
the CLDR data in Babel ("4 mars 2021", "4. März 2021", "2021年3月4日"). A year-first date is always year, month,
day; a year-last one (3/4/2021) puts the month first where the language's own short date runs month, day, year
(English, Filipino) and the day first elsewhere. Chinese years are written in digit characters (二零二一年).
Dots are dropped from the result (eSpeak NG would pause at "4." and "2021."), and so are the year abbreviations
some languages add ("г.", "р."). Anything that is not a real date is left as written.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

# not part of a longer run of digits and separators; a hyphen after a letter (Hebrew ב-04/03/2021) may come before
_NOT_AFTER = r"(?<![\d.,/])(?<!\d-)"
_NOT_BEFORE = r"(?![\d/-]|\.\d)"
_YEAR_FIRST = re.compile(_NOT_AFTER + r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _NOT_BEFORE)
_YEAR_LAST = re.compile(_NOT_AFTER + r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})" + _NOT_BEFORE)
_YEAR_ABBREVIATIONS = {"г", "р"}
# Chinese says a year digit by digit (二零二一年); its G2P reads a bare number as a quantity (二千零二十一)
_CHINESE_YEAR = re.compile(r"(?<!\d)(\d{2,4})(?=年)")
_CHINESE_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")


def rewrite_dates(text: str, language: str) -> str:
    """`text` with every date written in digits replaced by the language's long form."""
    text = _YEAR_FIRST.sub(lambda m: _spoken(int(m[1]), int(m[3]), int(m[4]), language) or m[0], text)
    text = _YEAR_LAST.sub(lambda m: _year_last(m, language) or m[0], text)
    if language in ("zh", "yue"):
        text = _CHINESE_YEAR.sub(lambda m: m[1].translate(_CHINESE_DIGITS), text)
    return text


def _year_last(match: re.Match, language: str) -> str | None:
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    month, day = (first, second) if _month_first(language) else (second, first)
    return _spoken(year, month, day, language)


def _spoken(year: int, month: int, day: int, language: str) -> str | None:
    from babel.dates import format_skeleton

    try:
        when = date(year, month, day)
    except ValueError:
        return None
    written = format_skeleton("yMMMMd", when, locale=language)
    return " ".join(w for w in written.replace(".", " ").split() if w not in _YEAR_ABBREVIATIONS)


@lru_cache(maxsize=64)
def _month_first(language: str) -> bool:
    """Whether the language's own short date runs month, day, year (en M/d/yy); year-first ones (sv y-MM-dd)
    give no order for a year-last date, which then takes the day first like most languages."""
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=language).pattern
    return pattern.find("M") < pattern.find("d") < pattern.find("y")
