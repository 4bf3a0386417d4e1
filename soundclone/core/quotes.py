"""What a request would cost, before it is made: the one owner of price quotes.

A quote runs the same steps as accepting the request (`core/submission.py`): the voice is resolved the same way, a
clone's first use is found the same way, and the charges come from the same price plan (`domain/pricing.py`); it
only reads, so nothing is debited, no clone is made permanent and no limit is counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from soundclone.core import voices
from soundclone.core.state import CoreState
from soundclone.domain import pricing
from soundclone.domain.requests import SpeechRequest
from soundclone.store.db import transaction


@dataclass(frozen=True)
class Quote:
    characters: int
    charges: tuple[pricing.Charge, ...]

    @property
    def total(self) -> int:
        return pricing.total(self.charges)


def quote_speech(state: CoreState, *, account_id: int, request: SpeechRequest, plan: pricing.PricePlan,
                 voice_field: str, aliases: Mapping[str, str] = voices.NO_ALIASES) -> Quote:
    """The charges `submit_speech` would debit for this request now (a missing or expired voice is its error)."""
    with transaction(state.sessions) as session:
        _, first = voices.resolve_for_use(session, account_id=account_id, name=request.voice,
                                          engine=state.settings.engine, field=voice_field, now=state.clock(),
                                          aliases=aliases)
    charges = pricing.charges_for(plan, state.settings.price_table, characters=request.characters,
                                  first_use_of_clone=first)
    return Quote(request.characters, charges)
