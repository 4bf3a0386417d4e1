"""Settings: the watermark keys (id:secret pairs, the first marks) and the refusal of development defaults."""

import pytest
from pydantic import ValidationError

from soundclone.settings import DEV_WATERMARK_KEYS, Settings, parse_watermark_keys


def test_watermark_keys_keep_their_order_so_the_first_marks():
    keyring = Settings(watermark_keys="2026b:second-secret-of-many-chars, 2026a:first-secret-of-many-chars").watermark_keyring
    assert list(keyring.items()) == [("2026b", "second-secret-of-many-chars"), ("2026a", "first-secret-of-many-chars")]


@pytest.mark.parametrize("text, problem", [
    ("no-colon-here", "id:secret"), (":secret-of-many-chars", "id:secret"), ("a b:secret-of-many-chars", "id:secret"),
    ("a:short", "at least 16"), ("a:secret-of-many-chars,a:another-secret-long", "twice"),
])
def test_malformed_watermark_keys_are_refused_with_the_reason(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_watermark_keys(text)
    with pytest.raises(ValidationError, match=problem):
        Settings(watermark_keys=text)


def test_production_refuses_the_development_watermark_key_even_beside_its_own():
    own = "prod:a-real-secret-of-this-deployment"
    with pytest.raises(ValidationError, match="SOUNDCLONE_WATERMARK_KEYS"):
        Settings(env="production", secret_key="a-real-secret", watermark_keys=f"{own},{DEV_WATERMARK_KEYS}")
    assert Settings(env="production", secret_key="a-real-secret", watermark_keys=own).watermark_keyring == {
        "prod": "a-real-secret-of-this-deployment"}
