"""Prices and which charges apply, the one owner of both. Integers in micro-units; pure arithmetic, no I/O.

A dialect picks a price plan for each request (its vendor's billing); this module says what each plan charges.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

MICROS_PER_UNIT = 1_000_000
CHARS_PER_PRICE_UNIT = 10_000

CLONE_CHARS = "sound-cloning-clone"      # preview text, per 10,000 characters
AUDIO_CHARS = "sound-cloning-audio"      # audio text, per 10,000 characters
AUDIO_VOICE = "sound-cloning-voice"      # per audio task, whatever the voice
SPEECH_CHARS = "speech-t2a"              # MiniMax t2a (sync, stream, async) and clone demos, per 10,000 characters
VOICE_CLONE = "voice-clone"              # MiniMax: per cloned voice, charged on its first synthesis
OPENAI_CHARS = "openai-speech"           # OpenAI /v1/audio/speech, per 10,000 characters
PER_10K_CHARS = "per_10k_char"
PER_CALL = "per_call"
PRICE_MODES = MappingProxyType({
    CLONE_CHARS: PER_10K_CHARS, AUDIO_CHARS: PER_10K_CHARS, AUDIO_VOICE: PER_CALL,
    SPEECH_CHARS: PER_10K_CHARS, VOICE_CLONE: PER_CALL, OPENAI_CHARS: PER_10K_CHARS,
})

DEFAULT_PRICES = MappingProxyType({
    CLONE_CHARS: 2 * MICROS_PER_UNIT,
    AUDIO_CHARS: 2 * MICROS_PER_UNIT,
    AUDIO_VOICE: 10_000,
    SPEECH_CHARS: 2 * MICROS_PER_UNIT,
    VOICE_CLONE: 3 * MICROS_PER_UNIT,
    OPENAI_CHARS: 2 * MICROS_PER_UNIT,
})


class PricePlan(str, enum.Enum):
    """Whose billing a request follows."""

    SOUNDCLONE_CLONE = "soundclone-clone"      # the preview's characters
    SOUNDCLONE_AUDIO = "soundclone-audio"      # characters plus a fee per task
    MINIMAX_CLONE = "minimax-clone"            # free; a demo's characters at the speech price
    MINIMAX_SPEECH = "minimax-speech"          # characters, plus the clone fee on a clone's first synthesis
    OPENAI_SPEECH = "openai-speech"            # characters
    OPENAI_VOICE = "openai-voice"              # free (a voice needs a verified consent)
    OPENAI_CONSENT = "openai-consent"          # free
    SERVICE_REFINE = "service-refine"          # free: the refinement of a voice already paid for

    @property
    def counts_characters(self) -> bool:
        """Whether the request's characters count against the per-key characters-per-minute limit."""
        return self in (PricePlan.MINIMAX_SPEECH, PricePlan.OPENAI_SPEECH)

    @property
    def dialect(self) -> str:
        """Which API a request of this plan came through (recorded with the voices it makes)."""
        return self.value.split("-", 1)[0]


@dataclass(frozen=True)
class Charge:
    config_name: str
    quantity: int      # characters or calls
    amount: int        # micro-units


@dataclass(frozen=True)
class PriceTable:
    prices: Mapping[str, int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "prices", {**DEFAULT_PRICES, **self.prices})
        for name, price in self.prices.items():
            if not isinstance(price, int) or price < 0:
                raise ValueError(f"price {name!r} must be a non-negative integer of micro-units; got {price!r}")
        unknown = set(self.prices) - set(PRICE_MODES)
        if unknown:
            raise ValueError(f"unknown price configuration name(s): {', '.join(sorted(unknown))}")

    def charge(self, config_name: str, quantity: int) -> Charge:
        price = self.prices[config_name]
        if PRICE_MODES[config_name] == PER_CALL:
            return Charge(config_name, quantity, price * quantity)
        return Charge(config_name, quantity, per_10k_chars(price, quantity))


def per_10k_chars(price: int, characters: int) -> int:
    """Cost of `characters` at `price` per 10,000, rounded up to the next micro-unit."""
    return -(-price * characters // CHARS_PER_PRICE_UNIT)


def charges_for(plan: PricePlan, table: PriceTable, *, characters: int,
                first_use_of_clone: bool = False) -> tuple[Charge, ...]:
    """What a request of `characters` billable characters costs under `plan`."""
    if plan is PricePlan.SOUNDCLONE_CLONE:
        return clone_charges(table, characters)
    if plan is PricePlan.SOUNDCLONE_AUDIO:
        return audio_charges(table, characters)
    if plan is PricePlan.MINIMAX_CLONE:
        return (table.charge(SPEECH_CHARS, characters),) if characters else ()
    if plan is PricePlan.OPENAI_SPEECH:
        return (table.charge(OPENAI_CHARS, characters),)
    if plan in (PricePlan.OPENAI_VOICE, PricePlan.OPENAI_CONSENT, PricePlan.SERVICE_REFINE):
        return ()
    return speech_charges(table, characters, first_use_of_clone=first_use_of_clone)


def clone_charges(table: PriceTable, characters: int) -> tuple[Charge, ...]:
    return (table.charge(CLONE_CHARS, characters),)


def audio_charges(table: PriceTable, characters: int) -> tuple[Charge, ...]:
    return (table.charge(AUDIO_CHARS, characters), table.charge(AUDIO_VOICE, 1))


def speech_charges(table: PriceTable, characters: int, *, first_use_of_clone: bool = False) -> tuple[Charge, ...]:
    charges = [table.charge(SPEECH_CHARS, characters)]
    if first_use_of_clone:
        charges.append(table.charge(VOICE_CLONE, 1))
    return tuple(charges)


def total(charges: tuple[Charge, ...]) -> int:
    return sum(c.amount for c in charges)


def ledger_detail(charges: tuple[Charge, ...]) -> dict:
    return {"charges": [{"config": c.config_name, "quantity": c.quantity, "amount": c.amount} for c in charges]}
