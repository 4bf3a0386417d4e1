"""The key cache and the request counter of api/auth.py, without I/O (the API's own tests use them for real)."""

import time
from datetime import datetime, timedelta, timezone

from soundclone.api.auth import Caller, KeyCache, RequestCounter
from soundclone.store.bus import KEYS_CHANNEL, LocalBus

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
ALICE = Caller(account_id=1, key_id=10)


def test_a_checked_key_is_remembered_for_its_ttl_once_revocations_are_heard(tmp_path):
    cache = KeyCache(LocalBus(tmp_path), ttl_s=30)
    assert cache.get("sk_a", NOW) is None
    assert cache.listening(timeout=5)
    cache.put("sk_a", ALICE, NOW, generation=cache.generation)
    assert cache.get("sk_a", NOW + timedelta(seconds=29)) == ALICE
    assert cache.get("sk_b", NOW) is None
    assert cache.get("sk_a", NOW + timedelta(seconds=30)) is None
    cache.close()


def test_a_check_that_raced_a_revocation_is_not_remembered(tmp_path):
    cache = KeyCache(LocalBus(tmp_path), ttl_s=30)
    cache.get("sk_a", NOW)
    assert cache.listening(timeout=5)
    generation = cache.generation      # a request starts checking the key in the database...
    cache.forget_all()                 # ...a revocation arrives meanwhile...
    cache.put("sk_a", ALICE, NOW, generation=generation)
    assert cache.get("sk_a", NOW) is None
    cache.close()


def test_a_revocation_on_the_bus_empties_the_cache(tmp_path):
    bus = LocalBus(tmp_path)
    cache = KeyCache(bus, ttl_s=30)
    cache.get("sk_a", NOW)             # starts listening
    assert cache.listening(timeout=5)
    cache.put("sk_a", ALICE, NOW, generation=cache.generation)
    assert cache.get("sk_a", NOW) == ALICE
    bus.publish(KEYS_CHANNEL)
    deadline = time.monotonic() + 2
    while cache.get("sk_a", NOW) is not None:
        assert time.monotonic() < deadline, "the revocation was not heard"
        time.sleep(0.01)
    cache.close()


def test_nothing_is_remembered_before_revocations_are_heard(tmp_path):
    cache = KeyCache(LocalBus(tmp_path / "never-listened"), ttl_s=30)   # get() was never called: not listening
    cache.put("sk_a", ALICE, NOW, generation=cache.generation)
    assert not cache.listening(timeout=0) and cache._entries == {}


def test_no_cache_when_its_ttl_is_zero(tmp_path):
    cache = KeyCache(LocalBus(tmp_path), ttl_s=0)
    cache.put("sk_a", ALICE, NOW, generation=cache.generation)
    assert cache.get("sk_a", NOW) is None


def test_requests_are_counted_here_and_flushed_once_a_second():
    counter = RequestCounter(flush_s=1.0)
    count, flush = counter.hit(10, 60, now_s=100.0)
    assert count == 1 and flush.count == 1            # a key's first request in a minute is added at once
    assert counter.settle(flush, shared_total=5) == 5  # four more came from other replicas
    assert counter.hit(10, 60, now_s=100.5) == (6, None)
    assert counter.hit(10, 60, now_s=100.9) == (7, None)
    count, flush = counter.hit(10, 60, now_s=101.0)
    assert count == 8 and flush.count == 3
    assert counter.settle(flush, shared_total=8) == 8


def test_a_new_minute_starts_from_zero_and_other_keys_count_apart():
    counter = RequestCounter(flush_s=1.0)
    counter.hit(10, 60, now_s=100.0)
    assert counter.hit(11, 60, now_s=100.1)[0] == 1
    count, flush = counter.hit(10, 120, now_s=120.0)
    assert count == 1 and flush.window_start == 120


def test_a_failed_flush_keeps_its_requests_for_the_next_one():
    counter = RequestCounter(flush_s=1.0)
    _, flush = counter.hit(10, 60, now_s=100.0)
    counter.restore(flush)
    count, again = counter.hit(10, 60, now_s=100.1)
    assert count == 2 and again.count == 2
