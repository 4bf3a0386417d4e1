"""The plain table the benchmarks print: a heading line, then one row per measurement, columns padded."""

from __future__ import annotations

from collections.abc import Sequence


def print_table(heading: str, rows: Sequence[Sequence[str]], *, cell_width: int) -> None:
    width = max(len(row[0]) for row in rows)
    print(heading)
    for name, *cells in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{cell:<{cell_width}}" for cell in cells))
