"""The service's own small API under `/api/v1/`: what the service offers (public), and an account's balance,
charges, tasks and system voices. The console uses it beside the vendor dialects; errors in OpenAI's shape."""

from soundclone.api.account.routes import PREFIX, router
from soundclone.api.openai.errors import ERROR_CODES, error_response, error_table_markdown


def owns(path: str) -> bool:
    return path.startswith(PREFIX + "/")


def all_routers() -> list:
    return [router]


__all__ = ["ERROR_CODES", "PREFIX", "all_routers", "error_response", "error_table_markdown", "owns"]
