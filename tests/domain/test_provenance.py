"""The one rule for whether an output is marked."""

import pytest

from soundclone.domain.provenance import output_marked


@pytest.mark.parametrize("requested, enabled, opt_out_allowed, marked", [
    (True, True, False, True), (False, True, False, True),      # an opt-out is refused by default
    (False, True, True, False), (True, True, True, True),       # and honoured only where allowed
    (True, False, False, False), (False, False, True, False),   # off is off
])
def test_output_marked(requested, enabled, opt_out_allowed, marked):
    assert output_marked(requested, enabled=enabled, opt_out_allowed=opt_out_allowed) is marked
