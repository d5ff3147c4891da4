"""Where each table and key of a TOML text is written: line numbers for error messages.

``tomllib`` returns plain values without positions.  To name the line of a
field that is semantically wrong (an unknown service, a bad time), this module
scans the text once and records the line of every table header and every
``key = value`` line, under the same path that the parsed value has:
``("points", "keuruu", "offers")`` or ``("experts", 3, "hours")``.

It understands the TOML this project writes (headers, arrays of tables, dotted
and quoted keys, multi-line arrays); a value inside an inline table or an
array maps to the line of its key.  It never raises: an unknown path falls
back to its nearest recorded ancestor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*(?P<key>[^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(
    r"^\s*(?P<key>(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_KEY_PART = re.compile(r"\s*(?:([A-Za-z0-9_-]+)|\"([^\"]*)\"|'([^']*)')\s*(?:\.|$)")


def split_key(dotted: str) -> tuple[str, ...]:
    """``a."b.c".d`` → ``("a", "b.c", "d")``; bare and quoted parts."""
    parts: list[str] = []
    position = 0
    while position < len(dotted):
        match = _KEY_PART.match(dotted, position)
        if match is None or match.end() == position:
            break
        parts.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    return tuple(parts)


class TomlLocations:
    """Line numbers (1-based) of the tables and keys of one TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._lines: dict[Path, int] = {}
        self._scan()

    def _scan(self) -> None:
        table: Path = ()
        array_counts: dict[Path, int] = {}
        open_brackets = 0  # inside a multi-line array, keys are not table keys
        array: Path = ()  # the key of the open multi-line array
        items = 0  # items of that array seen so far
        for number, line in enumerate(self.lines, start=1):
            stripped = _strip_comment(line)
            if open_brackets > 0:
                if open_brackets == 1 and (count := _top_level_items(stripped)):
                    for index in range(items, items + count):
                        self._lines.setdefault((*array, index), number)
                    items += count
                open_brackets += stripped.count("[") - stripped.count("]")
                continue
            header = _HEADER.match(stripped)
            if header:
                raw = split_key(header.group("key"))
                path = _resolve(raw, array_counts)
                if header.group(1) == "[[":
                    array_counts[path] = array_counts.get(path, -1) + 1
                    path = (*path, array_counts[path])
                table = path
                self._lines.setdefault(table, number)
                continue
            key = _KEY_LINE.match(stripped)
            if key:
                path = (*table, *split_key(key.group("key")))
                self._lines.setdefault(path, number)
                value = stripped[key.end() :]
                open_brackets = max(0, value.count("[") - value.count("]"))
                array, items = path, _top_level_items(value.strip()[1:])

    def line_of(self, path: Sequence[str | int], value: str | None = None) -> int | None:
        """The line of ``path`` (or its nearest ancestor); with ``value``, the line
        at or after it where that quoted value is written (for items of multi-line arrays)."""
        path = tuple(path)
        while path and path not in self._lines:
            path = path[:-1]
        line = self._lines.get(path)
        if line is None or value is None:
            return line
        for number in range(line, len(self.lines) + 1):
            text = self.lines[number - 1]
            if number > line and (_HEADER.match(text) or _KEY_LINE.match(text)):
                break
            if f'"{value}"' in text or f"'{value}'" in text:
                return number
        return line

    def key_at(self, line: int) -> Path:
        """The path of the key or table written on ``line`` (or the table it is in)."""
        best: Path = ()
        best_line = 0
        for path, number in self._lines.items():
            if best_line < number <= line:
                best, best_line = path, number
        return best


def _resolve(raw: tuple[str, ...], array_counts: dict[Path, int]) -> Path:
    """A header's path with the index of each enclosing array of tables filled in."""
    path: Path = ()
    for part in raw:
        path = (*path, part)
        if path in array_counts:
            path = (*path, array_counts[path])
    # The header itself names an array only when written as [[...]]; the caller
    # appends that index, so drop it again if the last part added one.
    if raw and path and isinstance(path[-1], int) and path[:-1] in array_counts:
        path = path[:-1]
    return path


def _top_level_items(text: str) -> int:
    """How many array items start on this line of a multi-line array (one level deep)."""
    depth = 0
    quote = None
    items = 0
    pending = False
    for char in text:
        if quote:
            quote = None if char == quote else quote
            continue
        if char in "\"'":
            quote = char
        if depth == 0 and char in "]":
            break
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        if depth == 0 and char == ",":
            items += pending
            pending = False
        elif not char.isspace():
            pending = True
    return items + pending


def _strip_comment(line: str) -> str:
    """``line`` without a trailing comment (a ``#`` outside quotes)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def format_path(path: Sequence[str | int]) -> str:
    """``("experts", 3, "hours")`` → ``experts[3].hours`` (0-based, as in the file order)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
