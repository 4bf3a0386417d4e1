"""The industry-standard rate-1/2, constraint-length-7 convolutional code (generators 133 and 171 octal) with a
soft-decision Viterbi decoder, in NumPy.

Why not a package: scikit-commpy (last release 2022) decodes in a pure-Python loop over states and pulls
matplotlib into the import; `viterbi` and `commpy` on PyPI are young single-author packages. The code below is
forty lines, vectorised over the 64 states, and its tests check it against hand-computed codewords and noise.
"""

from __future__ import annotations

import numpy as np

CONSTRAINT = 7
MEMORY = CONSTRAINT - 1
STATES = 1 << MEMORY
GENERATORS = (0o133, 0o171)
RATE_INVERSE = len(GENERATORS)


def _parity(value: int) -> int:
    return value.bit_count() & 1


# for each next state: its two predecessor states, the input bit that leads there, and the coded bits (as +-1)
_NEXT_STATES = np.arange(STATES)
_INPUT = _NEXT_STATES >> (MEMORY - 1)
_PREDECESSORS = np.stack([((_NEXT_STATES & (STATES // 2 - 1)) << 1) | low for low in (0, 1)], axis=1)
_SIGNS = np.array([[[1 - 2 * _parity(((int(_INPUT[ns]) << MEMORY) | int(_PREDECESSORS[ns, b])) & g)
                     for g in GENERATORS] for b in (0, 1)] for ns in range(STATES)], dtype=np.float64)


def coded_length(bits: int) -> int:
    """How many coded bits `bits` information bits become, with the tail that returns the coder to state 0."""
    return (bits + MEMORY) * RATE_INVERSE


def encode(bits: np.ndarray) -> np.ndarray:
    """Information bits (0/1) to coded bits (0/1), terminated with MEMORY zero bits."""
    state, out = 0, []
    for bit in [*(int(b) for b in bits), *([0] * MEMORY)]:
        register = (bit << MEMORY) | state
        out.extend(_parity(register & g) for g in GENERATORS)
        state = register >> 1
    return np.array(out, dtype=np.uint8)


def decode(soft: np.ndarray) -> np.ndarray:
    """The most likely information bits for soft values of the coded bits: positive means 0, negative 1, and the
    magnitude is the confidence (any scale; e.g. correlations)."""
    soft = np.asarray(soft, dtype=np.float64).reshape(-1, RATE_INVERSE)
    metric = np.full(STATES, -np.inf)
    metric[0] = 0.0
    choices = np.empty((soft.shape[0], STATES), dtype=np.uint8)
    for step, pair in enumerate(soft):
        candidates = metric[_PREDECESSORS] + _SIGNS @ pair           # (STATES, 2)
        choices[step] = np.argmax(candidates, axis=1)
        metric = candidates[_NEXT_STATES, choices[step]]
    state, bits = 0, []                                              # terminated: the path ends in state 0
    for step in range(soft.shape[0] - 1, -1, -1):
        bits.append(int(_INPUT[state]))
        state = int(_PREDECESSORS[state, choices[step, state]])
    return np.array(bits[::-1][:soft.shape[0] - MEMORY], dtype=np.uint8)
