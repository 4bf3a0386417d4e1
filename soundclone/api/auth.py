"""Who is calling, in memory on the path every request takes: API keys remembered briefly by each replica, and
requests counted per key and minute here before they are added to the row every replica shares.

Checking a key costs a database round trip and counting its request a write to a row that every replica of a busy
key contends for; together they were a quarter of an async poll's CPU (docs/benchmarks.md, "API path").

- `KeyCache`: a presented key's caller, remembered for `ttl_s`. Revoking a key publishes on the bus's `keys`
  channel and every replica forgets the keys it holds; a lost notification delays a revocation by `ttl_s` at most.
  Nothing is remembered while the replica is not listening (before its listener is registered, or while the bus
  is down): keys are then checked in the database on every request.
- `RequestCounter`: a replica counts its own requests and adds them to the key's shared window row at most every
  `flush_s` (and on a key's first request in a minute). A request is refused when the shared count last read plus
  this replica's requests since then pass the limit, so one replica is exact, and with several a key may overshoot
  by what the others counted since their last flush.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from soundclone.store.bus import KEYS_CHANNEL, Bus

log = logging.getLogger(__name__)

RETRY_LISTEN_S = 1.0


@dataclass(frozen=True)
class Caller:
    account_id: int
    key_id: int


class KeyCache:
    """Presented keys (by digest) to their callers, each for `ttl_s` from when it was checked; 0 turns it off."""

    def __init__(self, bus: Bus, ttl_s: float) -> None:
        self.bus, self.ttl_s = bus, ttl_s
        self._entries: dict[str, tuple[Caller, datetime]] = {}
        self._lock = threading.Lock()
        self._generation = 0          # moves on every forgetting, so a check that raced a revocation is not kept
        self._listening = False
        self._heard = threading.Event()   # set while revocations are being heard: only then is anything remembered
        self._closed = threading.Event()

    def get(self, presented: str, now: datetime) -> Caller | None:
        if self.ttl_s <= 0:
            return None
        self._listen_once()
        entry = self._entries.get(_digest(presented))
        if entry is None or (now - entry[1]).total_seconds() >= self.ttl_s:
            return None
        return entry[0]

    @property
    def generation(self) -> int:
        return self._generation

    def put(self, presented: str, caller: Caller, now: datetime, *, generation: int) -> None:
        """Remember a caller checked at `now`, unless the cache forgot everything since `generation` was read."""
        if self.ttl_s <= 0:
            return
        with self._lock:
            if generation == self._generation and self._heard.is_set():
                self._entries[_digest(presented)] = (caller, now)

    def listening(self, timeout: float) -> bool:
        """Whether revocations are being heard (waiting up to `timeout` s for it)."""
        return self._heard.wait(timeout)

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def close(self) -> None:
        self._closed.set()

    def _listen_once(self) -> None:
        if self._listening:
            return
        with self._lock:
            if self._listening:
                return
            self._listening = True
        threading.Thread(target=self._listen, name="key-revocations", daemon=True).start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                with self.bus.listen([KEYS_CHANNEL]) as listener:
                    self._heard.set()
                    while not self._closed.is_set():
                        if listener.wait(1.0):
                            self.forget_all()
            except Exception:  # noqa: BLE001  the bus is down: keys are checked in the database until it is back
                log.warning("key revocations: listening failed; retrying", exc_info=True)
            self._heard.clear()
            self.forget_all()
            if not self._closed.is_set():
                time.sleep(RETRY_LISTEN_S)


@dataclass
class _Window:
    start: int
    shared: int = 0           # the shared row's count when this replica last added to it
    unflushed: int = 0        # this replica's requests since
    flushed_at: float | None = None


@dataclass(frozen=True)
class Flush:
    """Requests to add to a key's shared window row (in a thread: it is a database write)."""
    key_id: int
    window_start: int
    count: int


class RequestCounter:
    """Per-key request counts of the current minute, kept here and added to the shared row every `flush_s`."""

    def __init__(self, flush_s: float) -> None:
        self.flush_s = flush_s
        self._windows: dict[int, _Window] = {}
        self._lock = threading.Lock()

    def hit(self, key_id: int, window_start: int, now_s: float) -> tuple[int, Flush | None]:
        """Count one request: (the key's count this minute as far as this replica knows, a flush now due or None)."""
        with self._lock:
            window = self._windows.get(key_id)
            if window is None or window.start != window_start:
                window = self._windows[key_id] = _Window(window_start)
            window.unflushed += 1
            due = window.flushed_at is None or now_s - window.flushed_at >= self.flush_s
            if not due:
                return window.shared + window.unflushed, None
            flush = Flush(key_id, window_start, window.unflushed)
            window.unflushed, window.flushed_at = 0, now_s
            window.shared += flush.count         # until the shared total comes back
            return window.shared + window.unflushed, flush

    def settle(self, flush: Flush, shared_total: int) -> int:
        """The shared row's total after `flush` was added; returns the key's count as this replica now knows it."""
        with self._lock:
            window = self._windows.get(flush.key_id)
            if window is None or window.start != flush.window_start:
                return shared_total
            window.shared = max(window.shared, shared_total)
            return window.shared + window.unflushed

    def restore(self, flush: Flush) -> None:
        """A flush that failed: its requests are this replica's own again, to be added next time."""
        with self._lock:
            window = self._windows.get(flush.key_id)
            if window is not None and window.start == flush.window_start:
                window.shared -= flush.count
                window.unflushed += flush.count
                window.flushed_at = None


def _digest(presented: str) -> str:
    return hashlib.sha256(presented.encode()).hexdigest()
