"""Safe YAML: every hostile or broken input is refused with a located, readable problem."""

from __future__ import annotations

import pytest

from audit.content.yamlsafe import MAX_NODES, parse_yaml
from audit.errors import ContentError


def problems(raw: bytes, **kwargs: int) -> list[str]:
    with pytest.raises(ContentError) as info:
        parse_yaml(raw, "f.yaml", **kwargs)
    return [str(p) for p in info.value.problems]


def test_valid_document_maps_lines() -> None:
    doc = parse_yaml(b"a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.line_of(("b", 1, "c")) == 4
    assert doc.line_of(("b", 0)) == 3
    assert doc.line_of(("missing", "deeper")) == 1


def test_yaml_12_booleans_keep_yes_no_and_country_codes_as_strings() -> None:
    doc = parse_yaml(b"a: yes\nb: no\nc: NO\nd: true\ne: on\nf: 2026-11-23\n", "f.yaml")
    assert doc.data == {"a": "yes", "b": "no", "c": "NO", "d": True, "e": "on", "f": "2026-11-23"}


def test_invalid_yaml_names_the_line() -> None:
    (message,) = problems(b"a: 1\nb: [unclosed\nc: 3\n")
    assert message.startswith("f.yaml:")
    assert "invalid YAML" in message


def test_every_duplicate_key_is_reported() -> None:
    found = problems(b"a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n")
    assert found == [
        "f.yaml:3: duplicate key 'a' (first at line 1)",
        "f.yaml:6: duplicate key 'x' (first at line 5)",
    ]


def test_alias_bomb_is_refused_before_expansion() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    (message,) = problems("\n".join(lines).encode())
    assert "document expands to 357,449,882,119 values from 34 written (alias bomb?)" in message


def test_a_large_document_without_aliases_is_not_a_bomb() -> None:
    # a register of thousands of vendors is larger than MAX_NODES without any alias
    rows = [f"- {{id: v{i}, countries: [PT, MA], data: [personal]}}" for i in range(30_000)]
    raw = "\n".join(rows).encode()
    document = parse_yaml(raw, "f.yaml", max_bytes=len(raw))
    assert len(document.data) == 30_000 and MAX_NODES < 30_000 * 9


def test_recursive_alias_is_refused() -> None:
    (message,) = problems(b"a: &x [1, *x]\n")
    assert "recursive alias" in message or "invalid YAML" in message


@pytest.mark.parametrize("raw", [b"", b"   \n\n", b"# only a comment\n"])
def test_empty_file(raw: bytes) -> None:
    assert problems(raw) == ["f.yaml:1: file is empty"]


def test_huge_file_is_refused_without_parsing() -> None:
    (message,) = problems(b"a: " + b"x" * 2000 + b"\n", max_bytes=1000)
    assert "the limit is 1,000" in message


def test_non_utf8_bytes_name_their_line() -> None:
    (message,) = problems(b"a: 1\nb: caf\xe9\n")
    assert message == "f.yaml:2: not UTF-8 text (byte 0xe9)"


def test_deep_nesting_is_refused() -> None:
    (message,) = problems(("[" * 100 + "]" * 100).encode())
    assert "nested deeper" in message


def test_multiple_documents_are_refused() -> None:
    (message,) = problems(b"a: 1\n---\nb: 2\n")
    assert "invalid YAML" in message
