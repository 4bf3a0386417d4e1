"""Control ranges and emotions live in one module; each check names the field it was given."""

import math

import pytest

from soundclone.domain import controls
from soundclone.domain.errors import ServiceError


@pytest.mark.parametrize("check, value", [
    (controls.check_speed, 0.49), (controls.check_speed, 2.01), (controls.check_speed, math.inf),
    (controls.check_speed, True), (controls.check_volume, 0), (controls.check_volume, 10.01),
    (controls.check_pitch, 13), (controls.check_pitch, 1.5), (controls.check_emotion, "bored"),
])
def test_out_of_range_values_name_the_field(check, value):
    with pytest.raises(ServiceError) as caught:
        check(value, "voice_setting.x")
    assert caught.value.field == "voice_setting.x" and caught.value.message.startswith("voice_setting.x must")


def test_defaults_and_bounds():
    assert (controls.check_speed(None), controls.check_volume(None), controls.check_pitch(None),
            controls.check_emotion(None)) == (1.0, 1.0, 0, "neutral")
    assert (controls.check_speed(0.5), controls.check_speed(2), controls.check_volume(10), controls.check_pitch(-12)) == (
        0.5, 2.0, 10.0, -12)
    assert controls.check_speed(3.0, bounds=(0.25, 4.0)) == 3.0


def test_effects():
    effects = controls.check_effects({"pitch": 100, "timbre": -5, "sound_effects": "robotic"})
    assert effects == controls.Effects(100, 0, -5, "robotic") and effects.semitones == controls.EFFECT_PITCH_SEMITONES
    assert controls.check_effects(None).is_neutral
    for bad in ({"intensity": 101}, {"sound_effects": "chorus"}, {"pitch": "5"}):
        with pytest.raises(ServiceError, match="voice_modify"):
            controls.check_effects(bad)
