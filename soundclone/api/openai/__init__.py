"""The OpenAI-compatible audio API (`/v1/audio/speech`, `/v1/audio/voice_consents`, `/v1/audio/voices`)."""

from soundclone.api.openai.errors import ERROR_CODES, error_response, error_table_markdown
from soundclone.api.openai.routes import PREFIX, router


def owns(path: str) -> bool:
    return path.startswith(PREFIX + "/")


def all_routers() -> list:
    return [router]


__all__ = ["ERROR_CODES", "PREFIX", "all_routers", "error_response", "error_table_markdown", "owns"]
