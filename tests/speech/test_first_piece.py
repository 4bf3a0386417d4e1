"""A stream's first sentence decoded in windows: its first audio leaves early, the joins stay clean, and every
word keeps its place."""

import numpy as np
import pytest

from soundclone.domain.text import Speech
from soundclone.jobs.render import render_script
from soundclone.speech.analysis import largest_step_near
from soundclone.speech.engine import SynthesisOptions

pytestmark = pytest.mark.slow
SENTENCE = "The committee met on Tuesday to review the budget, and after a long discussion they agreed to wait."
WORDS = SENTENCE.replace(",", "").replace(".", "").split()


@pytest.fixture(scope="module")
def voice(engine):
    return engine.system_voices()["af_heart"]


def test_the_first_window_is_short_and_the_windows_grow(engine, voice):
    chunks = list(engine.synthesize(SENTENCE, voice, SynthesisOptions(language="en", first_piece_s=0.5)))
    assert [c.continues for c in chunks] == [True] * (len(chunks) - 1) + [False] and len(chunks) >= 3
    lengths = [c.duration_s for c in chunks]
    assert 0.4 < lengths[0] < 1.2 and lengths[1] > 1.5 * lengths[0]   # each next window is ready in time
    assert [w.text.strip(",.") for c in chunks for w in c.words] == WORDS
    for chunk in chunks:
        starts = [w.start for w in chunk.words]
        assert starts == sorted(starts) and all(0 <= s <= chunk.duration_s for s in starts)
    whole = list(engine.synthesize(SENTENCE, voice, SynthesisOptions(language="en")))[0]
    assert abs(sum(lengths) - whole.duration_s) < 0.1                  # the same speech, not more, not less


def test_the_joins_are_no_steeper_than_the_speech_around_them(engine, voice):
    script = [Speech(SENTENCE + " Then they went home.")]
    heard = []
    rendering = render_script(engine, script, voice, SynthesisOptions(language="en", first_piece_s=0.5),
                              on_audio=heard.append)
    joins = list(np.cumsum([len(piece) for piece in heard])[:-1])
    speech_step = np.percentile(np.abs(np.diff(rendering.samples)), 99.9)
    assert len(heard) >= 4 and largest_step_near(rendering.samples, joins, reach=48) <= speech_step
    assert len(rendering.sentences) == 2 and rendering.sentences[0].text == SENTENCE   # one cue for the sentence
