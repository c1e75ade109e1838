"""Aligned plain-text tables for the command-line tools (``explore``, ``runs``).

Every cell may be server text (a table name, a run's error message): each is made printable
(terminal escapes written as Python escapes) and cut to :data:`MAX_CELL` characters before it is
aligned, the header row included.
"""

from __future__ import annotations

from collections.abc import Sequence

from provider.redaction import printable

MAX_CELL = 60


def clean(text: str, limit: int = MAX_CELL) -> str:
    """``text`` made printable and cut to ``limit`` characters (an ellipsis marks the cut)."""
    escaped = printable(text)
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."


def grid(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Columns aligned with two spaces between them, trailing spaces stripped."""
    header = tuple(clean(cell) for cell in header)
    cleaned = [tuple(clean(cell) for cell in row) for row in rows]
    widths = [max([len(header[i]), *(len(r[i]) for r in cleaned)]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in cleaned]
    return "\n".join(lines)
