"""The MiniMax-compatible API (`/v1/files/*`, `/v1/voice_clone`, `/v1/t2a_v2`, `/v1/t2a_async_v2`, …)."""

from soundclone.api.minimax.errors import ERROR_CODES, error_response, error_table_markdown
from soundclone.api.minimax.routes import DIRECT_ROUTES, PREFIX, router


def owns(path: str) -> bool:
    return path.startswith(PREFIX + "/")


def all_routers() -> list:
    return [router]


def direct_routes() -> tuple:
    return DIRECT_ROUTES


__all__ = ["ERROR_CODES", "PREFIX", "all_routers", "direct_routes", "error_response", "error_table_markdown", "owns"]
