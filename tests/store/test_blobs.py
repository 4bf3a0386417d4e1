"""Blob storage, the same contract for the local directory and an S3 bucket (moto's server on loopback)."""

import pytest

from soundclone.store.blobs import BlobKeyError, LocalBlobStore, create_blob_store
from tests.s3server import s3_server


@pytest.fixture(scope="module")
def s3():
    with s3_server() as server:
        server.create_bucket("blobs")
        yield server


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalBlobStore(tmp_path / "files")
    return create_blob_store(request.getfixturevalue("s3").blob_url("blobs", f"t{id(tmp_path)}"), tmp_path)


def test_the_contract(store):
    store.check()
    store.put("tasks/a/audio.mp3", b"abc")
    store.put("voices/v.profile", b"x" * 200_000)
    assert store.get("tasks/a/audio.mp3") == b"abc" and store.exists("voices/v.profile")
    assert not store.exists("tasks/none.mp3") and not store.exists("../etc/passwd")
    assert list(store.keys("tasks/")) == ["tasks/a/audio.mp3"]
    with store.local_copy("voices/v.profile") as path:
        assert path.read_bytes() == b"x" * 200_000
    assert b"".join(store.stream("voices/v.profile")) == b"x" * 200_000
    store.delete("tasks/a/audio.mp3")
    assert not store.exists("tasks/a/audio.mp3") and sorted(store.keys()) == ["voices/v.profile"]
    with pytest.raises(BlobKeyError):
        store.put("../escape", b"")
    with pytest.raises(FileNotFoundError):   # a chunk removed between exists() and get() (core/streams.py)
        store.get("tasks/a/audio.mp3")


def test_a_missing_bucket_fails_the_check(s3, tmp_path):
    with pytest.raises(Exception):
        create_blob_store(s3.blob_url("no-such-bucket"), tmp_path).check()


def test_keys_older_than_a_cutoff(store):
    from datetime import datetime, timedelta, timezone

    store.put("uploads/1.bin", b"a")
    store.put("tasks/t/audio.mp3", b"b")
    assert list(store.keys_older_than("uploads/", datetime.now(timezone.utc) + timedelta(minutes=5))) == ["uploads/1.bin"]
    assert list(store.keys_older_than("uploads/", datetime.now(timezone.utc) - timedelta(minutes=5))) == []
    assert list(store.keys_older_than("nothing-here/", datetime.now(timezone.utc) + timedelta(minutes=5))) == []
