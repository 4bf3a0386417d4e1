"""Whatever a text holds, the frontend keeps every word in its place, and each word with a letter or digit is read.

phonemizer drops empty lines and cuts a line at the first occurrence of a punctuation mark; both once shifted the
phonemes of later words onto the wrong word, or lost them ("We sold 1,000,000, then stopped." lost "stopped").
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from soundclone.speech.frontend import Frontend

FRONTEND = Frontend()
TOKENS = st.text(alphabet="ab12,.;:!?$%-/()\"'", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=6), st.sampled_from(["en", "de", "fr", "es", "ar"]))
def test_every_word_keeps_its_place_and_is_read(tokens, language):
    text = " ".join(tokens)
    words = FRONTEND.words(text, language)
    assert "".join(w.text for w in words) == "".join(text.split())
    for word in words:
        if any(c.isalnum() for c in word.text):
            assert any(c.isalpha() for c in word.phonemes), (word, text)
