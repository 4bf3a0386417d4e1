"""The SoundClone task API (`/api/open-api/v1/…` and `/kyyReactApiServer/v1/…`)."""

from soundclone.api.soundclone.errors import ERROR_CODES, error_response, error_table_markdown
from soundclone.api.soundclone.routes import PREFIXES, all_routers


def owns(path: str) -> bool:
    return path.startswith(PREFIXES)


__all__ = ["ERROR_CODES", "PREFIXES", "all_routers", "error_response", "error_table_markdown", "owns"]
