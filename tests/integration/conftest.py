import shutil

import av
import pytest

from tests.conftest import MODEL_DIR, REFERENCE_WAV, SPEECH_DIR
from tests.integration.harness import FileServer

SHORT_CLIP = "sense_and_sensibility_01_austen_64kb-0870.wav"  # 7.1 s: too little speech to clone


def transcode(source, target, container, codec):
    """Re-encode a WAV into another container with PyAV (the test's own fixture maker)."""
    with av.open(str(source)) as inp, av.open(str(target), "w", format=container) as out:
        stream = out.add_stream(codec, rate=inp.streams.audio[0].rate)
        for frame in inp.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    if not REFERENCE_WAV.exists():
        pytest.fail("speech fixtures missing: run `make fixtures` (scripts/fetch_speech.py)")
    directory = tmp_path_factory.mktemp("media")
    shutil.copy(REFERENCE_WAV, directory / "reference.wav")
    transcode(REFERENCE_WAV, directory / "reference.mp3", "mp3", "libmp3lame")
    transcode(REFERENCE_WAV, directory / "reference.mkv", "matroska", "aac")
    shutil.copy(SPEECH_DIR / "librivox" / SHORT_CLIP, directory / "short.wav")
    return directory


@pytest.fixture(scope="session")
def file_server(media_dir):
    with FileServer(media_dir) as server:
        yield server


@pytest.fixture(scope="session")
def model_dir():
    return MODEL_DIR
