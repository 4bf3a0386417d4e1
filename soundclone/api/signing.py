"""Signed, expiring file links: HMAC-SHA256 over the blob key and the expiry time."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote, urlencode

FILES_PATH = "/files"


class FileSigner:
    def __init__(self, secret: str, base_url: str, ttl_s: int) -> None:
        self._secret = secret.encode()
        self._base_url = base_url.rstrip("/")
        self._ttl_s = ttl_s

    def url(self, key: str, now: datetime, *, ttl_s: int | None = None) -> str:
        expires = int(now.timestamp()) + (self._ttl_s if ttl_s is None else ttl_s)
        query = urlencode({"expires": expires, "signature": self._sign(key, expires)})
        return f"{self._base_url}{FILES_PATH}/{quote(key)}?{query}"

    def verify(self, key: str, expires: int, signature: str, now: datetime) -> bool:
        if expires < int(now.timestamp()) or not signature.isascii():
            return False
        return hmac.compare_digest(self._sign(key, expires), signature)

    def _sign(self, key: str, expires: int) -> str:
        return hmac.new(self._secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()
