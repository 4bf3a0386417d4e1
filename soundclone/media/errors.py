"""Media errors: each message is a sentence a user can act on (it becomes the task's error)."""


class MediaError(Exception):
    pass


class FetchError(MediaError):
    pass


class DecodeError(MediaError):
    pass
