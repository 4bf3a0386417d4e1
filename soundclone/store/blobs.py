"""Blob storage: a local directory (the embedded default) or an S3-compatible bucket (scale-out), one interface.

Keys are relative paths made by the service (domain/keys.py), never by users. Readers that need a file on disk
(the decoder) ask for a local copy; the API streams a blob's bytes to a client either way, so a signed link works
from any replica whatever the store.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

_SAFE_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
STREAM_BLOCK = 1 << 16


class BlobKeyError(ValueError):
    pass


class BlobStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...

    def keys_older_than(self, prefix: str, cutoff: datetime) -> Iterator[str]:
        """The keys under `prefix` last written before `cutoff` (an aware datetime)."""

    def local_copy(self, key: str):  # noqa: ANN201  (a context manager yielding a Path)
        ...

    def stream(self, key: str) -> Iterator[bytes]: ...

    def check(self) -> None:
        """Raise if the store cannot be reached (readiness)."""


def checked_key(key: str) -> str:
    if not _SAFE_KEY.fullmatch(key) or ".." in key.split("/"):
        raise BlobKeyError(f"invalid blob key {key!r}")
    return key


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        """Write atomically, so a crash never leaves half a file under a final name."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except BlobKeyError:
            return False

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""   # walk only the folder the prefix names
        top = self.root / checked_key(folder) if folder else self.root
        for path in sorted(top.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.name.startswith(".") and key.startswith(prefix):
                yield key

    def keys_older_than(self, prefix: str, cutoff: datetime) -> Iterator[str]:
        before = cutoff.timestamp()
        for key in self.keys(prefix):
            try:
                if self.path(key).stat().st_mtime < before:
                    yield key
            except FileNotFoundError:   # removed while listing
                continue

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self.path(key)

    def stream(self, key: str) -> Iterator[bytes]:
        with self.path(key).open("rb") as handle:
            while block := handle.read(STREAM_BLOCK):
                yield block

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"the blob directory {self.root} is not writable")


class S3BlobStore:
    """An S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …) through boto3. Credentials come from boto3's
    usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None,
                 client=None) -> None:  # noqa: ANN001
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                             config=Config(retries={"max_attempts": 5, "mode": "standard"}))

    def _name(self, key: str) -> str:
        checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def get(self, key: str) -> bytes:
        """The blob's bytes; FileNotFoundError when there is none (as the local store raises)."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            return True
        except (ClientError, BlobKeyError):
            return False

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        for key, _ in self._listing(prefix):
            yield key

    def keys_older_than(self, prefix: str, cutoff: datetime) -> Iterator[str]:
        for key, modified in self._listing(prefix):
            if modified < cutoff:
                yield key

    def _listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """(key, last modified) of every object under the prefix."""
        base = f"{self.prefix}/" if self.prefix else ""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base + prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(base):], item["LastModified"]

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="soundclone-blob-") as tmp:
            path = Path(tmp) / Path(key).name
            with path.open("wb") as handle:
                body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
                shutil.copyfileobj(body, handle, STREAM_BLOCK)
            yield path

    def stream(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        yield from body.iter_chunks(STREAM_BLOCK)

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def create_blob_store(url: str | None, local_root: Path) -> BlobStore:
    """`None`: the local directory. `s3://bucket/prefix?endpoint=http://host:9000&region=…`: a bucket."""
    if not url:
        return LocalBlobStore(local_root)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"SOUNDCLONE_BLOB_URL must look like s3://bucket/prefix?endpoint=…; got {url!r}")
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    return S3BlobStore(bucket=parts.netloc, prefix=parts.path, endpoint_url=query.get("endpoint"),
                       region=query.get("region"))
