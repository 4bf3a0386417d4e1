"""The voice profile format: round trip, the equalizer curve, a checksum over the header (version 3), versions 1 and 2
still read."""

import hashlib
import json
import struct

import numpy as np
import pytest

from soundclone.speech.equalizer import BAND_COUNT
from soundclone.speech.errors import VoiceProfileError
from soundclone.speech.profile import MAGIC, VoiceProfile

STYLE = np.random.default_rng(0).standard_normal((510, 256)).astype(np.float32)
CURVE = tuple(np.linspace(-4, 4, BAND_COUNT).round(3))


def with_header(data: bytes, version: int, change) -> bytes:  # noqa: ANN001
    """The profile with its header rewritten by `change` and the given format version (for versions 1 and 2, with
    the checksum those versions wrote: over the style table alone)."""
    _, _, length = struct.unpack_from("<4sHI", data)
    header = json.loads(data[10:10 + length])
    change(header)
    if version in (1, 2):
        header["sha256"] = hashlib.sha256(data[10 + length:]).hexdigest()
    raw = json.dumps(header).encode()
    return struct.pack("<4sHI", MAGIC, version, len(raw)) + raw + data[10 + length:]


def test_the_equalizer_curve_survives_a_round_trip():
    profile = VoiceProfile(engine="kokoro", style=STYLE, equalizer_db=CURVE)
    again = VoiceProfile.from_bytes(profile.to_bytes())
    assert again.equalizer_db == pytest.approx(CURVE) and np.array_equal(again.style, STYLE)


def test_a_version_1_profile_is_read_with_a_flat_equalizer():
    data = with_header(VoiceProfile(engine="kokoro", style=STYLE).to_bytes(), 1,
                       lambda header: header.pop("equalizer_db"))
    again = VoiceProfile.from_bytes(data)
    assert again.equalizer_db == () and np.array_equal(again.style, STYLE)


@pytest.mark.parametrize("curve, problem", [
    ("loud", "equalizer"),
    ([1.0] * (BAND_COUNT - 2), "bands"),
    ([50.0] * BAND_COUNT, "within"),
])
def test_a_damaged_equalizer_curve_is_refused(curve, problem):
    data = with_header(VoiceProfile(engine="kokoro", style=STYLE, equalizer_db=CURVE).to_bytes(), 2,
                       lambda header: header.update(equalizer_db=curve))
    with pytest.raises(VoiceProfileError, match=problem):
        VoiceProfile.from_bytes(data)


def test_an_unknown_format_version_is_refused():
    data = with_header(VoiceProfile(engine="kokoro", style=STYLE).to_bytes(), 9, lambda header: None)
    with pytest.raises(VoiceProfileError, match="format 9"):
        VoiceProfile.from_bytes(data)


@pytest.mark.parametrize("change", [
    lambda header: header.update(f0_scale=1.5),
    lambda header: header.update(equalizer_db=[0.0] * BAND_COUNT),
    lambda header: header["details"].update(start_pack="af_bella"),
])
def test_a_changed_header_field_fails_the_checksum_even_in_range(change):
    data = VoiceProfile(engine="kokoro", style=STYLE, equalizer_db=CURVE, details={"start_pack": "jm_kumo"}).to_bytes()
    with pytest.raises(VoiceProfileError, match="checksum"):
        VoiceProfile.from_bytes(with_header(data, 3, change))


def test_a_version_2_profile_is_read_with_its_table_only_checksum():
    data = with_header(VoiceProfile(engine="kokoro", style=STYLE, equalizer_db=CURVE, f0_scale=1.25).to_bytes(), 2,
                       lambda header: None)
    again = VoiceProfile.from_bytes(data)
    assert again.f0_scale == 1.25 and again.equalizer_db == pytest.approx(CURVE)
