"""The local commands, as a person or a script runs them: enroll a recording, then speak with the profile."""

import os
import subprocess
import sys

import pytest
import soundfile as sf

from soundclone.speech.profile import VoiceProfile
from tests.conftest import MODEL_DIR, REFERENCE_WAV, ROOT

pytestmark = pytest.mark.slow


def soundclone(*args, tmp_path):
    env = {**os.environ, "SOUNDCLONE_MODEL_DIR": str(MODEL_DIR), "SOUNDCLONE_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "soundclone", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_enroll_then_speak_with_the_profile(tmp_path):
    profile = tmp_path / "voice.profile"
    enrolled = soundclone("enroll", str(REFERENCE_WAV), "--out", str(profile), tmp_path=tmp_path)
    assert enrolled.returncode == 0, enrolled.stderr
    details = VoiceProfile.from_bytes(profile.read_bytes()).details
    assert details["method"] == "style-inversion-v1" and details["steps_total"] == 4 and details["start_pack"] == "jm_kumo"
    assert "cloning the voice" in enrolled.stderr  # progress is shown
    assert f"started from jm_kumo, pitch {details['pitch_shift_semitones']:+g} semitones" in enrolled.stdout
    out = tmp_path / "out.wav"
    spoken = soundclone("speak", "--voice", str(profile), "--text", "Hello there.<#1#>Goodbye now.", "--out", str(out),
                        "--language", "English", "--speed", "1.2", tmp_path=tmp_path)
    assert spoken.returncode == 0, spoken.stderr
    audio, rate = sf.read(out)
    assert rate == 24_000 and 1.8 < len(audio) / rate < 6
    assert "speaking" in spoken.stderr  # progress is shown


def test_speak_refuses_bad_options_with_the_field_named(tmp_path):
    done = soundclone("speak", "--reference", str(REFERENCE_WAV), "--text", "hi", "--out", str(tmp_path / "x.wav"),
                      "--pitch", "20", tmp_path=tmp_path)
    assert done.returncode != 0 and "pitch" in done.stderr
    both = soundclone("speak", "--text", "hi", "--out", str(tmp_path / "x.wav"), tmp_path=tmp_path)
    assert both.returncode != 0 and "--reference or --voice" in both.stderr


def test_enroll_refuses_a_reference_with_too_little_speech(tmp_path):
    audio, rate = sf.read(REFERENCE_WAV)
    short = tmp_path / "short.wav"
    sf.write(short, audio[: 3 * rate], rate)
    done = soundclone("enroll", str(short), "--out", str(tmp_path / "voice.profile"), tmp_path=tmp_path)
    assert done.returncode != 0 and "more than 15 s is required" in done.stderr
    assert not (tmp_path / "voice.profile").exists()


def test_speak_with_a_reference_clones_then_speaks_in_one_go(tmp_path):
    out = tmp_path / "out.wav"
    spoken = soundclone("speak", "--reference", str(REFERENCE_WAV), "--text", "Good morning to you.", "--out", str(out),
                        tmp_path=tmp_path)
    assert spoken.returncode == 0, spoken.stderr
    assert "cloning the voice" in spoken.stderr and "speaking" in spoken.stderr
    audio, rate = sf.read(out)
    assert rate == 24_000 and 0.8 < len(audio) / rate < 4 and abs(audio).max() > 0.05


def test_speak_takes_a_system_voice_and_a_language_code(tmp_path):
    out = tmp_path / "out.wav"
    spoken = soundclone("speak", "--voice", "af_heart", "--language", "en", "--text", "Good morning.", "--out", str(out),
                        tmp_path=tmp_path)
    assert spoken.returncode == 0, spoken.stderr
    audio, rate = sf.read(out)
    assert rate == 24_000 and 0.5 < len(audio) / rate < 4 and abs(audio).max() > 0.05
    unknown = soundclone("speak", "--voice", "nobody", "--language", "xx", "--text", "hi", "--out", str(out),
                         tmp_path=tmp_path)
    assert unknown.returncode != 0 and "--language" in unknown.stderr
