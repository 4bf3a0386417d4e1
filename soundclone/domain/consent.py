"""Consent to a voice: the phrase a speaker reads, and when a recording of it counts. The one owner of both.

The phrase is the service's own, in each language the recogniser checks well, with the operator's name in it
(`SOUNDCLONE_OPERATOR_NAME`). A recording counts when (a) what the recogniser heard is within
MAX_PHRASE_DISTANCE of the phrase, and (b) when a voice is made with it, the sample's speaker is the consent's
speaker (the worker's speaker check, speech/verification.py).

(a) is an edit distance over the phrase's units (letters, or for Chinese syllables, so that traditional and
simplified characters read alike), lower case and without punctuation, divided by the phrase's length without
the operator's name. The name may match any stretch of what was heard, as long as something was said there: a
recogniser spells a name freely (Whisper wrote "Acme Voice Labs" as "Agma-Vois-Lops" in German), so it is not
compared letter by letter. Another sentence, a missing half or silence does not fit the margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soundclone.domain.errors import invalid
from soundclone.domain.ids import is_consent_id
from soundclone.domain.text import edit_distances

MAX_PHRASE_DISTANCE = 0.25     # edit distance over the phrase's units, per unit (operator's name excluded)
OPERATOR = "{operator}"
MIN_SPEECH_S = 2.0             # less than this is silence, not a consent
PHRASES = {
    "de": "Ich bin der Inhaber dieser Stimme und bin einverstanden, dass {operator} sie für eine synthetische "
          "Stimme verwendet.",
    "en": "I am the owner of this voice, and I agree that {operator} may use it to create a synthetic voice.",
    "es": "Soy la persona dueña de esta voz y acepto que {operator} la use para crear una voz sintética.",
    "fr": "Je suis la personne à qui appartient cette voix et j'accepte que {operator} l'utilise pour créer une "
          "voix synthétique.",
    "id": "Saya pemilik suara ini dan saya setuju {operator} menggunakannya untuk membuat suara sintetis.",
    "it": "Sono il titolare di questa voce e accetto che {operator} la usi per creare una voce sintetica.",
    "ja": "私はこの声の持ち主であり、{operator}がこの声を使って合成音声を作ることに同意します。",
    "ko": "저는 이 목소리의 주인이며 {operator}이 이 목소리로 합성 음성을 만드는 것에 동의합니다.",
    "nl": "Ik ben de eigenaar van deze stem en ik ga ermee akkoord dat {operator} hem gebruikt om een synthetische "
          "stem te maken.",
    "pl": "Jestem właścicielem tego głosu i zgadzam się, aby {operator} użył go do stworzenia syntetycznego głosu.",
    "pt": "Sou o dono desta voz e aceito que {operator} a use para criar uma voz sintética.",
    "ru": "Я владелец этого голоса и согласен, чтобы {operator} использовал его для создания синтетического голоса.",
    "uk": "Я власник цього голосу і погоджуюся, щоб {operator} використав його для створення синтетичного голосу.",
    "vi": "Tôi là chủ của giọng nói này và tôi đồng ý để {operator} dùng nó tạo ra một giọng nói tổng hợp.",
    "zh": "我是这个声音的主人，我同意{operator}用它来制作合成声音。",
}
# Not Hindi: Whisper base writes Hindi speech in Urdu script, so no transcript could match (docs/consent.md).
LANGUAGES = tuple(PHRASES)


@dataclass(frozen=True)
class PhraseCheck:
    distance: float
    matches: bool


def phrase_language(tag: str | None, field: str = "language") -> str:
    """The phrase language for a BCP 47 tag ("en-US") or a bare code ("en"); refused when there is no phrase."""
    primary = (tag or "").strip().replace("_", "-").split("-", 1)[0].casefold()
    if primary not in PHRASES:
        raise invalid(field, f"{field} {tag!r} has no consent phrase; use one of {', '.join(LANGUAGES)} "
                             "(or a tag such as en-US)")
    return primary


def phrase(language: str, operator: str) -> str:
    return PHRASES[phrase_language(language)].format(operator=operator)


def phrase_parts(language: str) -> tuple[str, str]:
    """The phrase before and after the operator's name."""
    before, _, after = PHRASES[phrase_language(language)].partition(OPERATOR)
    return before, after


def check_phrase(heard: Sequence[str], before: Sequence[str], after: Sequence[str]) -> PhraseCheck:
    """How far `heard` is from the phrase's units `before` + (the operator's name) + `after`."""
    to_prefix = edit_distances(before, heard)                              # before vs heard[:i]
    to_suffix = edit_distances(list(reversed(after)), list(reversed(heard)))[::-1]   # after vs heard[j:]
    best_after = to_suffix[:]
    for j in range(len(best_after) - 2, -1, -1):
        best_after[j] = min(best_after[j], best_after[j + 1])
    # the name takes at least one unit: heard[i:j] with j > i
    best = min((to_prefix[i] + best_after[i + 1] for i in range(len(heard))), default=len(before) + len(after))
    distance = best / max(len(before) + len(after), 1)
    return PhraseCheck(round(distance, 4), distance <= MAX_PHRASE_DISTANCE)


def checked_consent_id(field: str, value: str | None) -> str | None:
    """A consent id as a dialect's request names it (None: no consent given)."""
    if value is None:
        return None
    if not isinstance(value, str) or not is_consent_id(value):
        raise invalid(field, f"{field} must be the id of a consent recording (cons_ and 32 hex digits; "
                             "POST /v1/audio/voice_consents makes one)")
    return value
