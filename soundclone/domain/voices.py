"""Voice lifecycle, the one owner: how long an unused clone lives, what happens when that time is up, and
that its first use makes it permanent.

- A SoundClone preview voice lives 3 days unused; after that it is kept and answers "expired".
- A MiniMax clone lives 7 days unused (168 h); after that it is deleted.
- Either becomes permanent the first time a synthesis request is accepted with it.
- A voice made through the OpenAI dialect (from a verified consent) is permanent from the start.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from soundclone.domain.errors import ErrorKind, ServiceError


DRAFT, REFINED = "draft", "refined"   # a clone speaks as a draft within seconds, and is refined in the background


class VoiceState(str, enum.Enum):
    PREVIEW = "preview"
    PERMANENT = "permanent"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Lifetime:
    name: str
    days: int                  # stored with the voice; an unused voice expires this long after it was made
    deleted_on_expiry: bool    # True: the reaper deletes it; False: it stays and answers "expired"

    @property
    def permanent_from_start(self) -> bool:
        return self.days == 0

    @property
    def unused_for(self) -> timedelta:
        return timedelta(days=self.days)


PREVIEW = Lifetime("preview", days=3, deleted_on_expiry=False)
MINIMAX_CLONE = Lifetime("minimax", days=7, deleted_on_expiry=True)
KEPT = Lifetime("kept", days=0, deleted_on_expiry=False)
LIFETIMES = (PREVIEW, MINIMAX_CLONE, KEPT)
PREVIEW_LIFETIME = PREVIEW.unused_for


def lifetime_of(days: int) -> Lifetime:
    """The lifetime a stored voice was made with (rows keep its length in days)."""
    for lifetime in LIFETIMES:
        if lifetime.days == days:
            return lifetime
    return Lifetime("custom", days=days, deleted_on_expiry=False)


@dataclass(frozen=True)
class VoiceClock:
    created_at: datetime
    permanent: bool
    lifetime: timedelta = PREVIEW_LIFETIME

    @property
    def expires_at(self) -> datetime | None:
        return None if self.permanent else self.created_at + self.lifetime

    def state(self, now: datetime) -> VoiceState:
        if self.permanent:
            return VoiceState.PERMANENT
        return VoiceState.PREVIEW if now < self.created_at + self.lifetime else VoiceState.EXPIRED

    def usable(self, now: datetime) -> bool:
        return self.state(now) is not VoiceState.EXPIRED


def first_use(clock: VoiceClock, now: datetime, *, voice_name: str, days: int, field: str) -> bool:
    """Check a cloned voice can speak now; True when this use is its first (it then becomes permanent)."""
    if not clock.usable(now):
        raise ServiceError(
            ErrorKind.MODEL_EXPIRED,
            f"voice {voice_name} expired: an unused cloned voice is kept {days} days; clone it again", field=field,
        )
    return not clock.permanent
