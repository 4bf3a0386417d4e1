import pytest

from soundclone.domain.pricing import (
    AUDIO_CHARS, AUDIO_VOICE, CLONE_CHARS, DEFAULT_PRICES, PriceTable, audio_charges, clone_charges, per_10k_chars, total,
)


def test_per_10k_rounds_up_to_the_micro_unit():
    assert per_10k_chars(2_000_000, 10_000) == 2_000_000
    assert per_10k_chars(2_000_000, 1) == 200
    assert per_10k_chars(3, 1) == 1
    assert per_10k_chars(0, 500) == 0


def test_audio_is_characters_plus_one_voice_fee():
    table = PriceTable({CLONE_CHARS: 1_000_000, AUDIO_CHARS: 2_000_000, AUDIO_VOICE: 50_000})
    charges = audio_charges(table, 5_000)
    assert [(c.config_name, c.quantity, c.amount) for c in charges] == [(AUDIO_CHARS, 5_000, 1_000_000), (AUDIO_VOICE, 1, 50_000)]
    assert total(charges) == 1_050_000
    assert total(clone_charges(table, 45)) == 4_500


@pytest.mark.parametrize("prices", [{**DEFAULT_PRICES, CLONE_CHARS: -1}, {**DEFAULT_PRICES, AUDIO_CHARS: 1.5}, {"no-such-price": 1}])
def test_bad_price_tables_are_refused(prices):
    with pytest.raises(ValueError):
        PriceTable(prices)


def test_each_plan_says_which_charges_apply():
    from soundclone.domain.pricing import SPEECH_CHARS, VOICE_CLONE, PricePlan, charges_for

    table = PriceTable({})
    names = lambda plan, **kw: [c.config_name for c in charges_for(plan, table, characters=100, **kw)]  # noqa: E731
    assert names(PricePlan.SOUNDCLONE_CLONE) == [CLONE_CHARS]
    assert names(PricePlan.SOUNDCLONE_AUDIO) == [AUDIO_CHARS, AUDIO_VOICE]
    assert names(PricePlan.MINIMAX_SPEECH) == [SPEECH_CHARS]
    assert names(PricePlan.MINIMAX_SPEECH, first_use_of_clone=True) == [SPEECH_CHARS, VOICE_CLONE]
    assert names(PricePlan.MINIMAX_CLONE) == [SPEECH_CHARS] and charges_for(PricePlan.MINIMAX_CLONE, table, characters=0) == ()
