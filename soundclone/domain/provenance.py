"""Which outputs carry the provenance mark: the one place that decides it, for every dialect and output."""

from __future__ import annotations


def output_marked(requested: bool, *, enabled: bool, opt_out_allowed: bool) -> bool:
    """Whether an output is marked. `requested` is False only when the caller asked for no mark (MiniMax
    `aigc_watermark: false`); that is honoured only where the operator allows opt-out. An operator who turns
    marking off (`enabled` False) turns it off for everything."""
    return enabled and (requested or not opt_out_allowed)
