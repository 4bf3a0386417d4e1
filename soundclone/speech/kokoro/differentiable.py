"""Kokoro's decoder as a differentiable PyTorch function, run straight from the int8 ONNX graph.

Enrollment optimizes the voice's timbre (the first 128 style dimensions, which only the decoder
reads) by gradient descent (kokoro/inversion.py). Rather than rebuilding the model's classes, this
module interprets the decoder's part of the ONNX graph node by node with torch operations, so it
follows the export exactly (its iSTFT, its deterministic sine source) without a second copy of the
architecture to keep in step.

The quantized ops are run in float, which dequantizes the weights on the fly:
- DynamicQuantizeLinear passes the activation through with scale 1 and zero point 0;
- ConvInteger / MatMulInteger compute (x - x_zero) * (w - w_zero) in float;
- the scale Mul that follows then multiplies by activation scale (1) x weight scale, which is
  exactly the dequantized float layer; the bias, stored as bias / scale and floored, is kept
  unrounded.
Research (research/differentiable-kokoro.md) measured the float model within ~1-3 % of the ONNX
output; tests/speech/test_inversion.py (test_the_torch_decoder_follows_onnx_runtime) checks this
interpreter against ONNX Runtime.

The decoder's inputs are read from the edited model's extra outputs (model.DECODER_*_OUTPUT).
Only enrollment imports this module: it imports torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from soundclone.speech.errors import ModelMissingError
from soundclone.speech.kokoro import model as kokoro_model

STYLE_INPUT = "style"
UNROUNDED_SUFFIX = "bias_quant_rounded"   # Floor nodes of quantized biases: kept exact in float
FLOAT, INT32, INT64, BOOL = 1, 6, 7, 9
ANGLE_DIVISION = "soundclone.AngleDiv"   # a Div that feeds an Atan (_mark_angle_divisions)


@dataclass(frozen=True)
class Node:
    op: str
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attributes: dict


@lru_cache(maxsize=1)
def shared_decoder(model_dir: Path) -> "DecoderGraph":
    return DecoderGraph.load(model_dir / kokoro_model.EDITED_NAME)


class DecoderGraph:
    """audio = decoder(text features, F0 curve, energy curve, style) as torch operations."""

    def __init__(self, nodes: list[Node], constants: dict[str, torch.Tensor], inputs: dict[str, str]) -> None:
        self.nodes = nodes
        self.constants = constants
        self.inputs = inputs   # role -> tensor name in the graph
        self.released = _last_uses(nodes, keep=set(constants) | {"audio"})

    @classmethod
    def load(cls, model_path: Path) -> "DecoderGraph":
        import onnx
        from onnx import numpy_helper

        graph = onnx.load(str(model_path)).graph
        producers = {out: node for node in graph.node for out in node.output}
        sources = {node.output[0]: node.input[0] for node in graph.node if node.name.startswith("soundclone_decoder_")}
        roles = {
            "text": sources.get(kokoro_model.DECODER_TEXT_OUTPUT),
            "f0": sources.get(kokoro_model.DECODER_F0_OUTPUT),
            "energy": sources.get(kokoro_model.DECODER_ENERGY_OUTPUT),
            "style": STYLE_INPUT,
        }
        if None in roles.values():
            raise ModelMissingError("the edited Kokoro model has no decoder outputs; rebuild it with `soundclone models`")
        initializers = {init.name: init for init in graph.initializer}
        kept = _ancestors("audio", producers, stop=set(roles.values()) | set(initializers))
        nodes = [_node(n) for n in graph.node if n.name in kept]
        used = {name for node in nodes for name in node.inputs}
        constants = {name: _tensor(numpy_helper.to_array(initializers[name])) for name in used if name in initializers}
        nodes = _mark_angle_divisions(_dequantize_weights(nodes, constants))
        read = {name for node in nodes for name in node.inputs}
        # the integer weights were replaced by their dequantized copies: keeping both held 200 MB more tensors
        # (~110 MB more resident in each worker)
        return cls(nodes, {name: value for name, value in constants.items() if name in read}, roles)

    def __call__(self, text: torch.Tensor, f0: torch.Tensor, energy: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        values: dict[str, torch.Tensor] = dict(self.constants)
        values.update({self.inputs["text"]: text, self.inputs["f0"]: f0, self.inputs["energy"]: energy,
                       self.inputs["style"]: style})
        values[""] = None  # type: ignore[assignment]
        for node, released in zip(self.nodes, self.released):
            args = [values.get(name) for name in node.inputs]
            result = _OPS[node.op](node, *args)
            if not isinstance(result, tuple):
                result = (result,)
            values.update(zip(node.outputs, result))
            for name in released:
                values.pop(name, None)
        return values["audio"].reshape(-1)


def _last_uses(nodes: list[Node], keep: set[str]) -> list[tuple[str, ...]]:
    """Per node, the values no later node reads: dropped as soon as it ran, so only what autograd saved for
    the backward pass stays alive (holding every intermediate of a 2.5 s crop cost gigabytes)."""
    last: dict[str, int] = {}
    for index, node in enumerate(nodes):
        for name in (*node.inputs, *node.outputs):
            if name and name not in keep:
                last[name] = index
    released: list[list[str]] = [[] for _ in nodes]
    for name, index in last.items():
        released[index].append(name)
    return [tuple(names) for names in released]


def _dequantize_weights(nodes: list[Node], constants: dict[str, torch.Tensor]) -> list[Node]:
    """Subtract each constant integer weight's zero point once, instead of on every call."""
    result = []
    for node in nodes:
        weight_index = {"ConvInteger": 1, "MatMulInteger": 1}.get(node.op)
        zero_index = 3
        if weight_index is None or len(node.inputs) <= zero_index or node.inputs[weight_index] not in constants \
                or node.inputs[zero_index] not in constants:
            result.append(node)
            continue
        weight = constants[node.inputs[weight_index]]
        zero = constants[node.inputs[zero_index]]
        if node.op == "ConvInteger":
            folded = weight - _per_channel(zero, weight.dim())
        else:
            folded = weight - zero
        name = node.inputs[weight_index] + "/dequantized"
        constants[name] = folded.contiguous()
        inputs = list(node.inputs)
        inputs[weight_index], inputs[zero_index] = name, ""
        result.append(Node(node.op, node.name, tuple(inputs), node.outputs, node.attributes))
    return result


def _mark_angle_divisions(nodes: list[Node]) -> list[Node]:
    """The export computes the source spectrum's phase as atan(imag / real), where 0 / 0 must read as 0: only
    the divisions that feed an Atan pay for that repair (a pass over the tensor each, in both directions)."""
    feeds_atan = {node.inputs[0] for node in nodes if node.op == "Atan"}
    return [Node(ANGLE_DIVISION, node.name, node.inputs, node.outputs, node.attributes)
            if node.op == "Div" and node.outputs[0] in feeds_atan else node for node in nodes]


def _ancestors(target: str, producers: dict, stop: set[str]) -> set[str]:
    kept, stack, seen = set(), [target], set()
    while stack:
        name = stack.pop()
        if name in seen or name in stop or not name:
            continue
        seen.add(name)
        node = producers[name]
        if node.name not in kept:
            kept.add(node.name)
            stack.extend(node.input)
    return kept


def _node(proto) -> Node:  # noqa: ANN001
    from onnx import helper

    attributes = {a.name: helper.get_attribute_value(a) for a in proto.attribute}
    return Node(proto.op_type, proto.name, tuple(proto.input), tuple(proto.output), attributes)


def _tensor(array: np.ndarray) -> torch.Tensor:
    if array.dtype.kind == "f":
        return torch.from_numpy(array.astype(np.float32))
    if array.dtype in (np.int8, np.uint8):
        return torch.from_numpy(array.astype(np.float32))   # quantized weights: dequantized by the ops below
    if array.dtype == np.bool_:
        return torch.from_numpy(array)
    return torch.from_numpy(array.astype(np.int64))


# -- operations -------------------------------------------------------------------------------


def _ints(value: torch.Tensor | None) -> list[int]:
    return [] if value is None else [int(v) for v in value.reshape(-1).tolist()]


def _dynamic_quantize(node: Node, x):  # noqa: ANN001, ANN202
    return x, torch.tensor(1.0), torch.tensor(0.0)


def _per_channel(zero, rank: int):  # noqa: ANN001, ANN202
    if zero is None:
        return 0.0
    return zero.reshape(-1, *([1] * (rank - 1))) if zero.dim() == 1 and zero.numel() > 1 else zero.reshape(())


def _conv_integer(node: Node, x, w, x_zero=None, w_zero=None):  # noqa: ANN001, ANN202
    weight = w if w_zero is None else w - _per_channel(w_zero, w.dim())
    if x_zero is not None:
        x = x - x_zero
    return _conv(node, x, weight)


def _conv(node: Node, x, weight, bias=None):  # noqa: ANN001, ANN202
    pads = node.attributes.get("pads", [0, 0])
    if pads[0] != pads[1]:
        x = F.pad(x, (pads[0], pads[1]))
        pads = [0, 0]
    return F.conv1d(x, weight, bias, stride=node.attributes.get("strides", [1])[0], padding=pads[0],
                    dilation=node.attributes.get("dilations", [1])[0], groups=node.attributes.get("group", 1))


def _conv_transpose(node: Node, x, weight, bias=None):  # noqa: ANN001, ANN202
    a = node.attributes
    return F.conv_transpose1d(x, weight, bias, stride=a.get("strides", [1])[0], padding=a.get("pads", [0, 0])[0],
                              output_padding=a.get("output_padding", [0])[0], groups=a.get("group", 1),
                              dilation=a.get("dilations", [1])[0])


def _matmul_integer(node: Node, a, b, a_zero=None, b_zero=None):  # noqa: ANN001, ANN202
    if a_zero is not None:
        a = a - a_zero
    if b_zero is not None:
        b = b - b_zero
    return a @ b


def _cast(node: Node, x):  # noqa: ANN001, ANN202
    to = node.attributes["to"]
    if to == FLOAT:
        return x.float()
    if to == INT32 and x.is_floating_point():
        return x                                    # an emulated integer accumulator: stays float
    if to == BOOL:
        return x.bool()
    return x.long()


def _floor(node: Node, x):  # noqa: ANN001, ANN202
    return x if node.name.endswith(UNROUNDED_SUFFIX) else torch.floor(x)


def _div(node: Node, a, b):  # noqa: ANN001, ANN202
    if not a.is_floating_point() and not b.is_floating_point():
        return torch.div(a, b, rounding_mode="trunc")
    return a / b


def _angle_div(node: Node, a, b):  # noqa: ANN001, ANN202
    # atan2(0, 0) = 0 is meant where the export divides 0 by 0 (_mark_angle_divisions)
    return torch.nan_to_num(a / b, nan=0.0, posinf=float("inf"), neginf=float("-inf"))


def _pow(node: Node, x, exponent):  # noqa: ANN001, ANN202
    # the snake activations square a sine: a general pow with a tensor exponent costs ~15x a product
    if exponent.numel() == 1 and float(exponent) == 2.0:
        return x * x
    return torch.pow(x, exponent)


def _reduce_mean(node: Node, x, axes=None):  # noqa: ANN001, ANN202
    dims = node.attributes.get("axes") or _ints(axes)
    return x.mean(dim=dims, keepdim=bool(node.attributes.get("keepdims", 1)))


def _unsqueeze(node: Node, x, axes):  # noqa: ANN001, ANN202
    rank = x.dim() + axes.numel()
    for axis in sorted(a % rank for a in _ints(axes)):
        x = x.unsqueeze(axis)
    return x


def _squeeze(node: Node, x, axes=None):  # noqa: ANN001, ANN202
    if axes is None:
        return x.squeeze()
    for axis in sorted((a % x.dim() for a in _ints(axes)), reverse=True):
        x = x.squeeze(axis)
    return x


def _reshape(node: Node, x, shape):  # noqa: ANN001, ANN202
    target = [x.shape[i] if (d == 0 and not node.attributes.get("allowzero", 0)) else d for i, d in enumerate(_ints(shape))]
    return x.reshape(target)


def _split(node: Node, x, sizes=None):  # noqa: ANN001, ANN202
    axis = node.attributes.get("axis", 0)
    if sizes is None:
        parts = len(node.outputs)
        return tuple(torch.chunk(x, parts, dim=axis))
    return tuple(torch.split(x, _ints(sizes), dim=axis))


def _slice(node: Node, x, starts, ends, axes=None, steps=None):  # noqa: ANN001, ANN202
    starts, ends = _ints(starts), _ints(ends)
    axes = _ints(axes) if axes is not None else list(range(len(starts)))
    steps = _ints(steps) if steps is not None else [1] * len(starts)
    index = [slice(None)] * x.dim()
    for start, end, axis, step in zip(starts, ends, axes, steps):
        size = x.shape[axis]
        end = max(min(end, size), -size - 1) if end < 0 else min(end, size)
        index[axis % x.dim()] = slice(start, end, step)
    return x[tuple(index)]


def _gather(node: Node, x, indices):  # noqa: ANN001, ANN202
    axis = node.attributes.get("axis", 0) % x.dim()
    flat = indices.long().reshape(-1) % x.shape[axis]
    picked = torch.index_select(x, axis, flat)
    return picked.reshape((*x.shape[:axis], *indices.shape, *x.shape[axis + 1:]))


def _shape(node: Node, x):  # noqa: ANN001, ANN202
    dims = list(x.shape)[node.attributes.get("start", 0):node.attributes.get("end", None)]
    return torch.tensor(dims, dtype=torch.int64)


def _concat(node: Node, *xs):  # noqa: ANN001, ANN202
    return torch.cat([x for x in xs if x is not None], dim=node.attributes["axis"])


def _transpose(node: Node, x):  # noqa: ANN001, ANN202
    return x.permute(*node.attributes["perm"])


def _resize(node: Node, x, roi=None, scales=None, sizes=None):  # noqa: ANN001, ANN202
    a = node.attributes
    scale = float(scales.reshape(-1)[-1])
    if a.get("mode", b"nearest") == b"nearest":
        length = int(np.floor(x.shape[-1] * scale))
        index = torch.clamp(torch.floor(torch.arange(length, dtype=torch.float64) / scale).long(), max=x.shape[-1] - 1)
        return x[..., index]
    align = a.get("coordinate_transformation_mode", b"half_pixel") == b"align_corners"
    return F.interpolate(x, scale_factor=scale, mode="linear", align_corners=align, recompute_scale_factor=False)


def _pad(node: Node, x, pads, value=None, axes=None):  # noqa: ANN001, ANN202
    p = _ints(pads)
    half = len(p) // 2
    flat = []
    for axis in reversed(range(half)):
        flat += [p[axis], p[axis + half]]
    while len(flat) > 2 and flat[-1] == 0 and flat[-2] == 0:
        flat = flat[:-2]
    mode = node.attributes.get("mode", b"constant").decode()
    return F.pad(x, flat, mode=mode) if mode != "constant" else F.pad(x, flat, value=float(value or 0))


def _expand(node: Node, x, shape):  # noqa: ANN001, ANN202
    return x.expand(torch.broadcast_shapes(tuple(x.shape), tuple(_ints(shape))))


def _stft(node: Node, signal, step, window=None, length=None):  # noqa: ANN001, ANN202
    frame = int(length) if length is not None else window.numel()
    if signal.dim() == 3:
        signal = signal[..., 0]
    spectrum = torch.stft(signal, n_fft=frame, hop_length=int(step), win_length=frame,
                          window=window, center=False, onesided=bool(node.attributes.get("onesided", 1)),
                          return_complex=True)
    return torch.view_as_real(spectrum).transpose(1, 2)


def _scatter_nd(node: Node, data, indices, updates):  # noqa: ANN001, ANN202
    index = tuple(indices[..., k].long() for k in range(indices.shape[-1]))
    return data.index_put(index, updates)


def _where(node: Node, condition, a, b):  # noqa: ANN001, ANN202
    return torch.where(condition.bool(), a, b)


def _binary(fn: Callable) -> Callable:
    return lambda node, a, b: fn(a, b)


def _unary(fn: Callable) -> Callable:
    return lambda node, x: fn(x)


_OPS: dict[str, Callable] = {
    "Add": _binary(torch.add), "Sub": _binary(torch.sub), "Mul": _binary(torch.mul), "Div": _div,
    ANGLE_DIVISION: _angle_div, "Pow": _pow, "Greater": _binary(torch.gt), "Less": _binary(torch.lt),
    "Equal": _binary(torch.eq), "Max": _binary(torch.maximum), "MatMul": _binary(torch.matmul),
    "Sqrt": _unary(torch.sqrt), "Sin": _unary(torch.sin), "Cos": _unary(torch.cos), "Exp": _unary(torch.exp),
    "Tanh": _unary(torch.tanh), "Atan": _unary(torch.atan), "Identity": _unary(lambda x: x),
    "LeakyRelu": lambda node, x: F.leaky_relu(x, node.attributes.get("alpha", 0.01)),
    "NonZero": _unary(lambda x: torch.nonzero(x).T), "Floor": _floor, "Cast": _cast,
    "DynamicQuantizeLinear": _dynamic_quantize, "ConvInteger": _conv_integer, "MatMulInteger": _matmul_integer,
    "Conv": _conv, "ConvTranspose": _conv_transpose, "ReduceMean": _reduce_mean, "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze, "Reshape": _reshape, "Split": _split, "Slice": _slice, "Gather": _gather,
    "Shape": _shape, "Concat": _concat, "Transpose": _transpose, "Resize": _resize, "Pad": _pad,
    "Expand": _expand, "STFT": _stft, "ScatterND": _scatter_nd, "Where": _where,
    "CumSum": lambda node, x, axis: torch.cumsum(x, dim=int(axis)),
    "Range": lambda node, start, limit, delta: torch.arange(int(start), int(limit), int(delta)),
}
