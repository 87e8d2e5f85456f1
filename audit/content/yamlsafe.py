"""Safe YAML reading for everything users hand us: size-limited, UTF-8 only, no duplicate keys,
no alias bombs, and a map from each value's path to its line so that errors can point at it.

The resolver follows YAML 1.2's core schema for booleans (only true/false), so `answer: yes` and a
country code `NO` stay strings, and dates stay strings until a schema has checked them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from audit.errors import ContentError, Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed YAML document and the line of every value in it."""

    source: str
    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int | None:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def parse_yaml(raw: bytes, source: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """Parse one YAML document from bytes, refusing anything unsafe; raises ContentError."""
    if len(raw) > max_bytes:
        raise ContentError(
            [Problem(source, f"file is {len(raw):,} bytes; the limit is {max_bytes:,}")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            [Problem(source, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line=line)]
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ContentError([Problem(source, "file is empty", line=1)])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        problems: list[Problem] = []
        _check_graph(node, source, problems)
        if problems:
            raise ContentError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        all_lines = text.splitlines()
        line_text = all_lines[mark.line] if mark is not None and mark.line < len(all_lines) else ""
        raise ContentError(
            [Problem(source, f"invalid YAML: {message}", line=where)],
            hint=_yaml_hint(message, line_text),
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(source, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise ContentError([Problem(source, "file is empty", line=1)])
    lines: dict[Path, int] = {}
    _map_lines(node, (), lines)
    return Document(source, data, lines)


def _yaml_hint(message: str, line: str) -> str:
    """What to do about the YAML mistakes people make most when they edit a file by hand."""
    if "\t" in line:
        return "this line contains a tab character; indent with spaces only"
    if "mapping values are not allowed" in message:
        return (
            "a colon followed by a space inside a value starts a new field; put the whole "
            'text in double quotes, for example comment: "CISO: J. Reyes"'
        )
    if "could not find expected ':'" in message or "expected <block end>" in message:
        return "check the indentation of this line and the one before: use the same spaces"
    if "found character that cannot start any token" in message:
        return "a value starts with a character YAML reserves (such as @ or `); put it in quotes"
    return ""


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _check_graph(root: yaml.Node | None, source: str, problems: list[Problem]) -> None:
    """Refuse duplicate keys, cycles, over-deep nesting and alias bombs.

    Aliases share nodes, so the expanded size is computed with memoisation: a billion-laughs
    document is refused after visiting each distinct node once. A document may expand to
    MAX_NODES values, or to twice its distinct nodes if it is larger (a register of ten thousand
    vendors is large without any alias; a bomb is small and expands a thousandfold).
    """
    if root is None:
        return
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ContentError(
                [Problem(source, "recursive alias refused", line=node.start_mark.line + 1)]
            )
        if depth > MAX_DEPTH:
            raise ContentError(
                [
                    Problem(
                        source,
                        f"nested deeper than {MAX_DEPTH} levels",
                        line=node.start_mark.line + 1,
                    )
                ]
            )
        active.add(key)
        if isinstance(node, yaml.MappingNode):
            _check_duplicates(node, source, problems)
        total = 1 + sum(size(child, depth + 1) for child in _children(node))
        active.discard(key)
        sizes[key] = total
        return total

    expanded = size(root, 0)
    limit = max(MAX_NODES, 2 * len(sizes))
    if expanded > limit:
        raise ContentError(
            [
                Problem(
                    source,
                    f"document expands to {expanded:,} values from {len(sizes):,} written "
                    "(alias bomb?); refused",
                    line=root.start_mark.line + 1,
                )
            ]
        )


def _check_duplicates(node: yaml.MappingNode, source: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.value == "<<":
            continue
        line = key.start_mark.line + 1
        if key.value in seen:
            problems.append(
                Problem(
                    source,
                    f"duplicate key '{key.value}' (first at line {seen[key.value]})",
                    line=line,
                )
            )
        else:
            seen[key.value] = line


def _map_lines(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    if path in lines:
        return
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                _map_lines(value, (*path, key.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), lines)
