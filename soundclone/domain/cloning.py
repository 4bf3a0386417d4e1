"""How much speech a clone needs, the one owner of that rule for every dialect and the CLI.

Speech is measured with voice activity detection on the decoded reference, so silence and music don't count.
"""

from __future__ import annotations

from dataclasses import dataclass

from soundclone.domain.errors import ErrorKind

ANALYSIS_RATE = 16_000   # enrollment material is decoded to this rate


@dataclass(frozen=True)
class SpeechRule:
    name: str
    min_s: float
    max_s: float | None
    min_exclusive: bool      # "more than" rather than "at least"
    kind: ErrorKind          # what a breach is reported as

    def problem(self, speech_s: float) -> str | None:
        """What is wrong with this much speech, in words a user can act on; None when it is fine."""
        too_short = speech_s <= self.min_s if self.min_exclusive else speech_s < self.min_s
        if too_short:
            need = "more than" if self.min_exclusive else "at least"
            return (f"speech in the recording lasts {speech_s:.1f} s; {need} {self.min_s:g} s is required "
                    "(send a longer recording of one person speaking)")
        if self.max_s is not None and speech_s >= self.max_s:
            return f"speech in the recording lasts {speech_s:.1f} s; it must be under {self.max_s:g} s (trim the recording)"
        return None


# SoundClone's spec: more than 15 s and less than 60 s of speech; the CLI applies the same.
SOUNDCLONE_SPEECH = SpeechRule("soundclone", 15.0, 60.0, min_exclusive=True, kind=ErrorKind.INVALID_PARAMETER)
# MiniMax bounds the file (10 s to 5 min, below); of that, at least 5 s must be speech.
MINIMAX_SPEECH = SpeechRule("minimax", 5.0, None, min_exclusive=False, kind=ErrorKind.CLONE_AUDIO_DURATION)
# OpenAI asks for a sample of 30 s or less; we need at least 10 s of speech in it and take up to a minute.
OPENAI_SPEECH = SpeechRule("openai", 10.0, 60.0, min_exclusive=False, kind=ErrorKind.INVALID_PARAMETER)
SPEECH_RULES = {rule.name: rule for rule in (SOUNDCLONE_SPEECH, MINIMAX_SPEECH, OPENAI_SPEECH)}

# MiniMax's upload rules for clone material and prompt audio (whole file, not speech).
CLONE_FILE_MIN_S, CLONE_FILE_MAX_S = 10.0, 300.0
PROMPT_FILE_MAX_S = 8.0
# A prompt transcript is believed when it matches a plausible reading speed (letters or CJK characters per second).
PROMPT_CHARS_PER_S = (0.5, 30.0)
