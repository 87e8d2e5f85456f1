"""NIST's OSCAL 1.1.3 assessment-results JSON schema, and a validator that reads its patterns as
ECMA-262 regular expressions (what JSON Schema specifies) with Python's `re`.

The schema is draft-07, but stock `jsonschema` cannot use it: `re` has no `\\p{L}` (the token
pattern), so `check_schema` refuses the schema and validation crashes with `re.error`; and `re`'s
`$`, `.` and `\\S` differ from ECMA's. Only the `pattern` keyword is replaced (with the metaschema's
`format: regex` check): each pattern is translated once into an equivalent `re` pattern. The
schema file stays byte for byte as NIST published it (see tests/data/oscal/SOURCE.md).
"""

from __future__ import annotations

import functools
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator

SCHEMA = Path(__file__).resolve().parent.parent / "data/oscal/oscal_assessment-results_schema.json"
SCHEMA_SHA256 = "d9e34757f0c12aff61f52b821f0b8f83ba0ba75b3a149a202b08ba82f82bc4c3"
SCHEMA_ID = "http://csrc.nist.gov/ns/oscal/1.1.3/oscal-ar-schema.json"


def _ranges(points: Iterable[int]) -> str:
    """A character-class body (no brackets) for ascending code points, as `\\U` escapes."""
    runs: list[list[int]] = []
    for point in points:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return "".join(f"\\U{a:08x}" + (f"-\\U{b:08x}" if b != a else "") for a, b in runs)


@functools.cache
def category_class(category: str) -> str:
    """The class body for a Unicode general category (`L`, `N`, `Zs`...), from `unicodedata`."""
    every = range(sys.maxunicode + 1)
    return _ranges(p for p in every if unicodedata.category(chr(p)).startswith(category))


def _ecma_space() -> str:
    """ECMA-262's `\\s`: WhiteSpace (tab, VT, FF, space, NBSP, BOM and the rest of category Zs)
    and LineTerminator (LF, CR, LS, PS)."""
    return _ranges([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x2028, 0x2029, 0xFEFF]) + category_class("Zs")


# ECMA escapes whose meaning differs from `re`'s, as class bodies (ECMA's \d and \w are ASCII).
_CLASS_ESCAPES = {"d": lambda: "0-9", "w": lambda: "A-Za-z0-9_", "s": _ecma_space}
_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"  # what ECMA's `.` does not match
_CATEGORY = re.compile(r"\{([A-Z][a-z]?)\}")


def ecma_to_python(pattern: str) -> str:
    """An `re` pattern that matches what the ECMA-262 `pattern` (unicode mode, no flags)
    matches: `\\p{X}` becomes the category's code points, `\\d`, `\\w`, `\\s` and their negations
    ECMA's own sets, `.` anything but a line terminator, `$` the very end of the input."""
    out: list[str] = []
    in_class, i = False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern):
                raise ValueError(f"a pattern cannot end in a backslash: {pattern!r}")
            escape = pattern[i + 1]
            i += 2
            if escape in "pP":
                name = _CATEGORY.match(pattern, i)
                if name is None or (escape == "P" and in_class):
                    raise ValueError(f"unsupported escape at {i - 2} in {pattern!r}")
                body, i = category_class(name.group(1)), name.end()
                out.append(body if in_class else f"[{'^' if escape == 'P' else ''}{body}]")
            elif escape.lower() in _CLASS_ESCAPES:
                body = _CLASS_ESCAPES[escape.lower()]()
                if in_class and escape.isupper():
                    raise ValueError(f"unsupported \\{escape} in a class in {pattern!r}")
                negate = "^" if escape.isupper() else ""
                out.append(body if in_class else f"[{negate}{body}]")
            else:
                out.append("\\" + escape)
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == ".":
            out.append(f"[^{_LINE_TERMINATORS}]")
        elif char == "$":
            out.append(r"\Z")  # `re`'s `$` also matches before a final newline
        else:
            out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_to_python(pattern))


def _pattern(
    validator: Validator, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = validators.extend(Draft7Validator, {"pattern": _pattern})


def _regex_formats() -> FormatChecker:
    """The metaschema checks each `pattern` with `format: regex` (`re.compile` by default):
    check it with the same translation instead."""
    checker = FormatChecker()
    checker.checkers.pop("regex", None)

    @checker.checks("regex", raises=(re.error, ValueError))
    def _is_regex(instance: object) -> bool:
        if isinstance(instance, str):
            compiled(instance)
        return True

    return checker


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


@functools.cache
def oscal_validator() -> Validator:
    """The validator of NIST's schema (itself checked against draft-07 first). `format` is not
    asserted: the schema's patterns already pin date-times, UUIDs and tokens."""
    schema = load_schema()
    OscalValidator.check_schema(schema, format_checker=_regex_formats())
    return OscalValidator(schema)


def schema_errors(document: Any) -> list[str]:
    """Every error, as `path: message`, in document order; empty when the document is valid."""
    found = sorted(oscal_validator().iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]
