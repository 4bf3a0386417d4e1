"""The spec's language names, which model version speaks them, and the engine's codes."""

from __future__ import annotations

from types import MappingProxyType

AUTO = "auto"
VERSIONS = ("v1", "v2")
DEFAULT_VERSION = "v1"

# Spoken by both v1 and v2 (the spec's 24).
V1_LANGUAGES = MappingProxyType({
    "Chinese": "zh", "Chinese,Yue": "yue", "English": "en", "Arabic": "ar", "Russian": "ru",
    "Spanish": "es", "French": "fr", "Portuguese": "pt", "German": "de", "Turkish": "tr",
    "Dutch": "nl", "Ukrainian": "uk", "Vietnamese": "vi", "Indonesian": "id", "Japanese": "ja",
    "Italian": "it", "Korean": "ko", "Thai": "th", "Polish": "pl", "Romanian": "ro",
    "Greek": "el", "Czech": "cs", "Finnish": "fi", "Hindi": "hi",
})
# Only v2 speaks these (the spec's 16 more, 40 in all).
V2_ONLY_LANGUAGES = MappingProxyType({
    "Bulgarian": "bg", "Danish": "da", "Hebrew": "he", "Malay": "ms", "Persian": "fa",
    "Slovak": "sk", "Swedish": "sv", "Croatian": "hr", "Filipino": "fil", "Hungarian": "hu",
    "Norwegian": "nb", "Slovenian": "sl", "Catalan": "ca", "Nynorsk": "nn", "Tamil": "ta",
    "Afrikaans": "af",
})
ALL_LANGUAGES = MappingProxyType({**V1_LANGUAGES, **V2_ONLY_LANGUAGES})


class LanguageError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def check_version(version: str | None) -> str:
    version = DEFAULT_VERSION if version is None else version
    if version not in VERSIONS:
        raise LanguageError("soundVersion", f"soundVersion must be one of {', '.join(VERSIONS)}; got {version!r}")
    return version


def language_code(language: str | None, version: str) -> str:
    """The engine code for a spec language name under a model version ('auto' stays 'auto').

    The spec lists `auto` among the v2-only names yet makes it the default for v1 too; we accept
    it under both versions (a v1 request without a language must work), and document it.
    """
    if language is None or language == AUTO:
        return AUTO
    if language in V1_LANGUAGES:
        return V1_LANGUAGES[language]
    if language in V2_ONLY_LANGUAGES:
        if version != "v2":
            raise LanguageError("language", f"language {language!r} needs soundVersion v2")
        return V2_ONLY_LANGUAGES[language]
    raise LanguageError("language", f"language {language!r} is not supported; use auto or one of: {', '.join(ALL_LANGUAGES)}")


def languages_for(version: str) -> tuple[str, ...]:
    return tuple(V1_LANGUAGES if version == "v1" else ALL_LANGUAGES)


_CODES = frozenset(ALL_LANGUAGES.values())
_NAMES_BY_FOLDED = {name.casefold(): code for name, code in ALL_LANGUAGES.items()}


def parse_language(value: str | None) -> str:
    """What people type: a name ("English", "chinese,yue"), a code ("en", "yue") or a tag ("en-US"); or auto."""
    if value is None or value.strip().casefold() in ("", AUTO):
        return AUTO
    folded = value.strip().casefold()
    if folded in _NAMES_BY_FOLDED:
        return _NAMES_BY_FOLDED[folded]
    code = folded.replace("_", "-")
    if code in _CODES:
        return code
    primary = code.split("-", 1)[0]
    if primary in _CODES:
        return primary
    raise LanguageError("language", f"language {value!r} is not supported; use auto, a name such as English or a "
                                    f"code such as en (one of {', '.join(sorted(_CODES))})")
