"""Every error kind has a wire code in every dialect, and each dialect answers it in its own shape."""

import pytest

from soundclone.api.app import DIALECTS, render_error
from soundclone.domain.errors import ErrorKind, ServiceError


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.__name__.rsplit(".", 1)[-1])
def test_every_kind_is_mapped(dialect):
    assert set(dialect.ERROR_CODES) == set(ErrorKind)


@pytest.mark.parametrize("kind", ErrorKind)
def test_each_kind_renders_in_each_dialect(kind):
    error = ServiceError(kind, f"what went wrong: {kind.value}")
    soundclone = render_error("/api/open-api/v1/soundCloning/audios", error)
    minimax = render_error("/v1/t2a_v2", error)
    assert soundclone.status_code >= 400 and b'"code":' in soundclone.body and kind.value.encode() in soundclone.body
    assert minimax.status_code == 200 and b'"status_code":' in minimax.body and kind.value.encode() in minimax.body


def test_special_cases_are_kinds_of_their_own():
    from soundclone.api import minimax, soundclone

    assert minimax.ERROR_CODES[ErrorKind.VOICE_NOT_FOUND] == 20132 and minimax.ERROR_CODES[ErrorKind.NOT_FOUND] == 2013
    assert minimax.ERROR_CODES[ErrorKind.TASK_FAILED] == 1013 and minimax.ERROR_CODES[ErrorKind.INTERNAL] == 1000
    assert soundclone.ERROR_CODES[ErrorKind.LINK_INVALID] == (40300, 403)
