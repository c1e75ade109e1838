"""The commands of README.md and docs/: every fenced block carries a tag saying what it needs
(docs/development.md, "Commands in the docs"), read here for ``tests/test_docs_commands.py``.

A tag is an HTML comment on the line just before the opening fence (same indentation)::

    <!-- cmd: runnable -->

with one or more kinds: ``runnable`` (run offline by the test, alone or with ``server``),
``pulumi`` (needs the Pulumi CLI), ``network`` (needs the network or real credentials),
``template`` (placeholders to fill in), ``long`` (offline but minutes long: CI runs it) and
``text`` (not a command: a file's content, configuration, output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KINDS = frozenset({"runnable", "server", "pulumi", "network", "template", "long", "text"})
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)(?P<lang>[\w+-]*)\s*$")
_TAG = re.compile(r"^\s*<!--\s*cmd:\s*(?P<kinds>[a-z ]+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its tag's kinds (empty: untagged), its
    text with the fence's indentation removed."""

    path: Path
    line: int
    lang: str
    kinds: frozenset[str]
    text: str

    @property
    def where(self) -> str:
        """``file:line`` of the opening fence (``docs/`` pages with their folder)."""
        parts = self.path.parts
        shown = "/".join(parts[parts.index("docs"):]) if "docs" in parts else self.path.name
        return f"{shown}:{self.line}"


def pages(root: Path) -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of one Markdown file, in order."""
    lines = path.read_text().splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        before = lines[i - 1] if i > 0 else ""
        tag = _TAG.match(before)
        kinds = frozenset(tag["kinds"].split()) if tag else frozenset()
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                for line in lines[i + 1:end]]
        found.append(Block(path, i + 1, opening["lang"], kinds, "\n".join(body) + "\n"))
        i = end + 1
    return found


def problems(block: Block) -> list[str]:
    """What is wrong with a block's tag (nothing for a well-tagged block)."""
    if not block.kinds:
        return [f"{block.where}: untagged block; put `<!-- cmd: KIND -->` just before it "
                f"(kinds: {', '.join(sorted(KINDS))})"]
    found = []
    if block.kinds - KINDS:
        found.append(f"{block.where}: unknown kind {sorted(block.kinds - KINDS)}")
    if "runnable" in block.kinds:
        if block.kinds - {"runnable", "server"}:
            found.append(f"{block.where}: runnable goes alone (or with server)")
        if re.search(r"<[a-z][a-z0-9-]*>", block.text):
            found.append(f"{block.where}: a runnable block has a <placeholder>: tag it template")
        if block.lang not in ("sh", "python"):
            found.append(f"{block.where}: runnable blocks are sh or python")
    if "server" in block.kinds and (block.kinds != {"runnable", "server"} or block.lang != "sh"):
        found.append(f"{block.where}: server is a runnable sh block's modifier")
    return found


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def broken_links(path: Path) -> list[str]:
    """The relative links of a page (outside code blocks) whose file or heading is missing."""
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)
    found = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        name, _, fragment = target.partition("#")
        dest = path.parent / name if name else path
        if not dest.exists():
            found.append(f"{path.name}: {target}: no such file")
        elif fragment and dest.is_file() and fragment not in {
                _anchor(m) for m in re.findall(r"^#+ (.*)$", dest.read_text(), re.MULTILINE)}:
            found.append(f"{path.name}: {target}: no such heading")
    return found
