"""Media errors: each message is a sentence a user can act on (it becomes the task's error).

`str(error)` is for the user and never carries internals; `error.detail` (may be empty) carries what the
server's log needs to investigate: a decoder's stderr tail, an exception's traceback, an exit status.
"""


class MediaError(Exception):
    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class FetchError(MediaError):
    pass


class DecodeError(MediaError):
    pass
