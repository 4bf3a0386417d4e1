class SpeechError(Exception):
    """A speech problem; the message is safe to show to a user."""


class ModelMissingError(SpeechError):
    pass


class UnsupportedLanguageError(SpeechError):
    pass


class VoiceProfileError(SpeechError):
    pass
