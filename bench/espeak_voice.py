"""eSpeak NG's own formant voice, for bench/quality.py's language table: a reference, not a product voice.

The embedded engine takes its pronunciation of most languages from eSpeak NG's rules (speech/frontend.py) and
renders the phonemes with Kokoro. Spoken by eSpeak NG itself, the same text shows how far the language judge
hears the rules alone: what a synthetic voice with the right phonemes, durations and intonation for the language
(but no natural timbre) scores. Driven through the C library that espeakng-loader ships (the data path is set
at initialization), with audio retrieved through the synthesis callback.
"""

from __future__ import annotations

import ctypes
import threading

import numpy as np

from soundclone.speech.frontend import ESPEAK_VOICES

# eSpeak NG voices for the languages the engine does not phonemize with eSpeak NG (speech/frontend.py OWN_G2P).
OWN_G2P_VOICES = {"zh": "cmn", "ja": "ja", "th": "th"}
_RETRIEVAL = 1            # AUDIO_OUTPUT_RETRIEVAL: samples come back through the callback
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _VoiceQuery(ctypes.Structure):
    """espeak_VOICE: a voice chosen by its language tag ("fr-fr" names no voice file, but is a language)."""

    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_char_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


class EspeakVoice:
    """Text to 16-bit samples at eSpeak NG's rate; one synthesis at a time (the library is not reentrant)."""

    def __init__(self) -> None:
        import espeakng_loader

        self._library = ctypes.CDLL(espeakng_loader.get_library_path())
        self.sample_rate = self._library.espeak_Initialize(_RETRIEVAL, 0, espeakng_loader.get_data_path().encode(), 0)
        if self.sample_rate <= 0:
            raise RuntimeError("eSpeak NG failed to initialize")
        self._pieces: list[np.ndarray] = []
        self._callback = _CALLBACK(self._collect)   # kept referenced: the library calls it later
        self._library.espeak_SetSynthCallback(self._callback)
        self._lock = threading.Lock()

    @staticmethod
    def voice_for(language: str) -> str:
        return OWN_G2P_VOICES.get(language) or ESPEAK_VOICES[language]

    def speak(self, text: str, language: str) -> np.ndarray:
        encoded = text.encode("utf-8")
        with self._lock:
            self._pieces = []
            query = _VoiceQuery(languages=self.voice_for(language).encode())
            if self._library.espeak_SetVoiceByProperties(ctypes.byref(query)) != 0:
                raise RuntimeError(f"eSpeak NG has no voice for {language!r}")
            self._library.espeak_Synth(encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            self._library.espeak_Synchronize()
            pieces, self._pieces = self._pieces, []
        return (np.concatenate(pieces) if pieces else np.zeros(0, np.int16)).astype(np.float32) / 32768

    def _collect(self, samples, count, _events) -> int:  # noqa: ANN001
        if samples and count > 0:
            self._pieces.append(np.ctypeslib.as_array(samples, shape=(count,)).copy())
        return 0
