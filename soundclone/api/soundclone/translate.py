"""SoundClone wire bodies → validated orders → the core's requests. Every check names the wire field.

An order is the SoundClone request as the spec defines it, validated; `to_request()` says what it asks of the
core in the core's terms (nothing here decides a business rule: ranges come from `domain.controls`, languages from
`domain.languages`, the speech-duration rule from `domain.cloning`, the lifetime from `domain.voices`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from soundclone.domain import controls
from soundclone.domain.cloning import SOUNDCLONE_SPEECH
from soundclone.domain.consent import checked_consent_id
from soundclone.domain.errors import invalid
from soundclone.domain.languages import LanguageError, check_version, language_code
from soundclone.domain.requests import CloneRequest, CloneSource, SpeechRequest, Subtitles
from soundclone.domain.text import Speech, TextError, billable_characters, parse_script
from soundclone.domain.voices import PREVIEW
from soundclone.media.decode import ALLOWED_EXTENSIONS

DEFAULT_PREVIEW_TEXT = "在森林的深处,阳光透过树梢洒落,鸟儿的歌声交织成一曲美妙的乐章,诉说着大自然无尽的美丽。"
PREVIEW_TEXT_LIMIT = 270      # characters; the text must be shorter
AUDIO_TEXT_LIMIT = 10_000     # characters; the text must be shorter
URL_MAX_CHARS = 2048
MEDIA_EXTENSIONS = ALLOWED_EXTENSIONS
URL_SCHEMES = ("http", "https")
EMOTIONS = controls.EMOTIONS
SPEED_RANGE = controls.SPEED_RANGE
VOL_MAX = controls.VOLUME_MAX
PITCH_RANGE = controls.PITCH_RANGE
SUBTITLE_TYPES = ("sentence", "word")


@dataclass(frozen=True)
class CloneOrder:
    fileUrl: str
    contentText: str
    soundVersion: str
    language: str  # engine code or "auto"
    consentId: str | None = None

    @property
    def characters(self) -> int:
        return billable_characters(self.contentText)

    def to_request(self) -> CloneRequest:
        preview = _speech(voice="", text=self.contentText, language=self.language, controls=controls.Controls())
        return CloneRequest(CloneSource(url=self.fileUrl), SOUNDCLONE_SPEECH, PREVIEW, preview=preview,
                            consent_id=self.consentId)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AudioOrder:
    modelId: str
    contentText: str
    soundVersion: str
    language: str
    emotion: str
    speed: float
    vol: float
    pitch: int
    subtitleEnable: bool
    subtitleType: str | None

    @property
    def characters(self) -> int:
        return billable_characters(self.contentText)

    def to_request(self) -> SpeechRequest:
        chosen = controls.Controls(speed=self.speed, volume=self.vol, pitch=self.pitch, emotion=self.emotion)
        subtitles = Subtitles("srt", words=self.subtitleType == "word") if self.subtitleEnable else None
        return _speech(voice=self.modelId, text=self.contentText, language=self.language, controls=chosen,
                       subtitles=subtitles)

    def as_dict(self) -> dict:
        return asdict(self)


def _speech(*, voice: str, text: str, language: str, controls: controls.Controls,
            subtitles: Subtitles | None = None) -> SpeechRequest:
    # SoundClone's audio is MP3 at the engine's own rate
    return SpeechRequest(voice=voice, script=parse_script(text), text=text, characters=billable_characters(text),
                         language=language, controls=controls, subtitles=subtitles)


def clone_order(*, file_url: str, content_text: str | None, sound_version: str | None, language: str | None,
                consent_id: str | None = None) -> CloneOrder:
    version = _version(sound_version)
    text = DEFAULT_PREVIEW_TEXT if content_text is None else content_text
    _check_text("contentText", text, PREVIEW_TEXT_LIMIT)
    chosen = _language(language, version)
    # the spec's default preview is a Chinese sentence: read in another language's phonemes it becomes half a
    # minute of noise, so it is always read as Chinese (the voice's language is the caller's to use afterwards)
    preview_language = "auto" if content_text is None else chosen
    return CloneOrder(check_file_url(file_url), text, version, preview_language,
                      checked_consent_id("consentId", consent_id))


def audio_order(
    *, model_id: str, content_text: str, sound_version: str | None, language: str | None, emotion: str | None,
    speed: float | None, vol: float | None, pitch: int | None, subtitle_enable: bool | None, subtitle_type: str | None,
) -> AudioOrder:
    version = _version(sound_version)
    if not model_id or not model_id.strip():
        raise invalid("modelId", "modelId is required: use the modelId of a completed clone task")
    _check_text("contentText", content_text, AUDIO_TEXT_LIMIT)
    return AudioOrder(
        modelId=model_id.strip(), contentText=content_text, soundVersion=version,
        language=_language(language, version), emotion=controls.check_emotion(emotion),
        speed=controls.check_speed(speed), vol=controls.check_volume(vol), pitch=controls.check_pitch(pitch),
        subtitleEnable=bool(subtitle_enable), subtitleType=_subtitle_type(subtitle_type),
    )


def check_file_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise invalid("fileUrl", "fileUrl is required: the http(s) URL of an audio or video file")
    if len(url) > URL_MAX_CHARS:
        raise invalid("fileUrl", f"fileUrl is longer than {URL_MAX_CHARS} characters")
    if not url.isascii():
        raise invalid("fileUrl", "fileUrl must not contain non-ASCII characters (percent-encode them)")
    parts = urlsplit(url)
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        raise invalid("fileUrl", "fileUrl must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise invalid("fileUrl", "fileUrl must not contain credentials")
    extension = _extension(parts.path)
    if extension and extension not in MEDIA_EXTENSIONS:
        raise invalid("fileUrl", f"fileUrl points to a .{extension} file; supported: {', '.join(MEDIA_EXTENSIONS)}")
    return url


def _extension(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None  # no extension: the type is detected from the bytes after download
    return name.rsplit(".", 1)[-1].lower()


def _check_text(field: str, text: str, limit: int) -> None:
    if text is None or not text.strip():
        raise invalid(field, f"{field} is required and must not be empty")
    try:
        script = parse_script(text)
    except TextError as error:
        raise invalid(field, f"{field}: {error.problem}") from None
    count = billable_characters(text)
    if count >= limit:
        raise invalid(field, f"{field} has {count} characters; it must be shorter than {limit}")
    if not any(isinstance(part, Speech) for part in script):
        raise invalid(field, f"{field} contains only pause markers; there is nothing to speak")


def _version(version: str | None) -> str:
    try:
        return check_version(version)
    except LanguageError as error:
        raise invalid(error.field, error.problem) from None


def _language(language: str | None, version: str) -> str:
    try:
        return language_code(language, version)
    except LanguageError as error:
        raise invalid(error.field, error.problem) from None


def _subtitle_type(subtitle_type: str | None) -> str | None:
    if subtitle_type is None or subtitle_type == "sentence":
        return None
    if subtitle_type != "word":
        raise invalid("subtitleType", f"subtitleType must be 'word' or absent (sentence level); got {subtitle_type!r}")
    return "word"
