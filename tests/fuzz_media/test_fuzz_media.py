"""A share of the media fuzz in the normal suite: four cases of every family, spread over each family.

`make fuzz-media` runs all of them (over a thousand) and prints the table.
"""

import numpy as np
import pytest

from tests.fuzz_media.cases import FAMILIES, family_of, generate_cases
from tests.fuzz_media.runner import run_case

CASES_PER_FAMILY = 4


def share():
    cases = generate_cases()
    chosen = []
    for family in FAMILIES:
        members = [case for case in cases if family_of(case.name) == family]
        picks = np.linspace(0, len(members) - 1, CASES_PER_FAMILY).round().astype(int)
        chosen += [members[i] for i in sorted(set(picks))]
    return chosen


@pytest.mark.parametrize("case", share(), ids=lambda case: case.name)
def test_a_fuzz_case_decodes_or_is_refused_cleanly(case):
    outcome = run_case(case)
    assert outcome.problem is None, outcome.problem


@pytest.mark.slow
def test_a_share_of_the_fuzz_through_a_real_api_and_worker(shared_service):
    from tests.fuzz_media.through_service import run_cases

    cases = share()[::CASES_PER_FAMILY]   # one case of each family
    outcomes = run_cases(cases, on=shared_service)
    assert len(outcomes) == 2 * len(cases)
    assert [(o.entrance, o.name, o.problem) for o in outcomes if o.problem] == []
