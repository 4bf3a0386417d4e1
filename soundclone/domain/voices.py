"""Voice lifecycle: a preview voice lives 3 days; its first audio task makes it permanent."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

PREVIEW_LIFETIME = timedelta(days=3)          # SoundClone: a preview's modelId lives 3 days
MINIMAX_LIFETIME_DAYS = 7                      # MiniMax: a clone unused for 168 h is deleted


class VoiceState(str, enum.Enum):
    PREVIEW = "preview"
    PERMANENT = "permanent"
    EXPIRED = "expired"


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
