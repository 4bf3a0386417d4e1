"""`/v1/watermark/…`: is this file marked by this service, and (for its owner) which task made it. Errors in
OpenAI's shape, like the service's own API."""

from soundclone.api.openai.errors import ERROR_CODES, error_response, error_table_markdown
from soundclone.api.provenance.routes import PREFIX, router


def owns(path: str) -> bool:
    return path.startswith(PREFIX + "/")


def all_routers() -> list:
    return [router]


__all__ = ["ERROR_CODES", "PREFIX", "all_routers", "error_response", "error_table_markdown", "owns"]
