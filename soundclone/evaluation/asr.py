"""Speech recognition for evaluation: the worker's recogniser (`speech/asr.py`) and the text distances
(`domain/text.py`) the tests and benchmarks score it with."""

from soundclone.domain.text import (  # noqa: F401
    char_error_rate, edit_distance as _edits, normalize_for_comparison as normalize, word_error_rate,
)
from soundclone.speech.asr import (  # noqa: F401
    COPIED_FILES, MODEL_BYTES, PART_PACKAGES, RATE, Transcript, Word, detect_language, load, model_dir, transcribe,
)
