"""The JSON decoding the engines share: short values decoded once, never shared mutably."""

from __future__ import annotations

from audit.store.engine import _json_loads


def test_a_cached_list_is_a_new_list_on_every_read() -> None:
    first = _json_loads(b"[3763, 12]")
    first.append(99)
    assert _json_loads(b"[3763, 12]") == [3763, 12]
    assert _json_loads("[]") == [] and _json_loads("[]") is not _json_loads("[]")


def test_values_decode_as_json_says() -> None:
    assert _json_loads(b'"full"') == "full"
    assert _json_loads(b"null") is None and _json_loads(b"null") is None
    assert _json_loads("1") == 1 and _json_loads("1.0") == 1.0 and _json_loads("true") is True
    assert _json_loads(b'{"a": [1]}') == {"a": [1]}
    nested = _json_loads(b"[[1], 2]")
    nested[0].append(5)
    assert _json_loads(b"[[1], 2]") == [[1], 2]
    long = "[" + ", ".join(str(i) for i in range(40)) + "]"
    assert _json_loads(long) == list(range(40))
