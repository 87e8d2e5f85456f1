"""The JSON Schemas shipped in `audit/content/schemas/`, and validation that reports every error
as `FILE:LINE: path.to.field: message`."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from audit.content.yamlsafe import Document, Path
from audit.errors import Problem

SCHEMA_NAMES = ("checklist", "condition", "framework", "policy", "roi", "vendor")


def load_schema(name: str) -> dict[str, Any]:
    """The parsed JSON Schema `<name>.schema.json`."""
    text = resources.files("audit.content").joinpath(f"schemas/{name}.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _registry() -> Registry:
    registry: Registry = Registry()
    for name in SCHEMA_NAMES:
        schema = load_schema(name)
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry


def _finite_number(_checker: Any, instance: Any) -> bool:
    """JSON has no NaN or infinity, and no range check can refuse them (every comparison with
    NaN is false): a number must be finite."""
    return (
        isinstance(instance, int | float)
        and not isinstance(instance, bool)
        and (isinstance(instance, int) or math.isfinite(instance))
    )


_PATTERN = Draft202012Validator.VALIDATORS["pattern"]


def _whole_pattern(
    checker: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`pattern` as the schemas mean it: Python's `$` also matches before a final line break,
    so `"SEC-IAM-02\n"` passed `^[A-Z]...$`. A value ending in one is refused."""
    yield from _PATTERN(checker, pattern, instance, schema)
    if (
        isinstance(instance, str)
        and pattern.endswith("$")
        and instance.endswith("\n")
        and re.search(pattern, instance)
    ):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    validators={"pattern": _whole_pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
)


@cache
def validator(name: str) -> Any:
    """A validator for one of the shipped schemas; `$ref`s resolve among them."""
    return _Validator(
        load_schema(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,  # "date": a real calendar date
    )


def format_path(path: Iterable[str | int], data: Any = None) -> str:
    """`controls[3].answer` reads better as `controls[SEC-IAM-01].answer` when items have ids."""
    parts: list[str] = []
    node = data
    for element in path:
        if isinstance(element, int):
            item = node[element] if isinstance(node, list) and 0 <= element < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            label = f"[{_visible(ident) if isinstance(ident, str) else element}]"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            node = item
        else:
            parts.append(str(element))
            node = node.get(element) if isinstance(node, dict) else None
    return ".".join(parts)


def _deepest(error: ValidationError) -> ValidationError:
    # oneOf/anyOf failures say only "not valid under any of the given schemas"; the most
    # relevant sub-error names the actual mistake (an unknown operator, a missing field).
    while error.context:
        error = best_match(error.context)
    return error


def _unknown_operator(error: ValidationError) -> str | None:
    """Name the unknown operator of a condition leaf instead of 'additional properties'."""
    instance: Any = error.instance
    is_leaf = isinstance(instance, dict) and ("fact" in instance or "answer" in instance)
    if error.validator != "additionalProperties" or not is_leaf:
        return None
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = schema.get("properties", {})
    unknown = sorted(str(key) for key in instance if key not in known)
    operators = ", ".join(k for k in known if k not in ("fact", "answer"))
    return f"unknown operator {', '.join(map(repr, unknown))}; operators: {operators}"


# What each pattern of the shipped schemas asks for, in words; `{value}` is what was written.
PATTERN_WORDS = {
    "^[A-Z]{2}$": "must be a two-letter ISO country code such as PH, not '{value}'",
    "^[A-Z]{3}$": "must be a three-letter ISO currency code such as EUR, not '{value}'",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "'{value}' is not a date; dates are written 2026-06-15",
    "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$": "'{value}' is not an e-mail address such as name@example.com",
    "^[a-z0-9]+(-[a-z0-9]+)*$": (
        "'{value}' must be lower-case letters and digits joined by hyphens, such as acme-payroll"
    ),
    "^[a-z0-9]+(_[a-z0-9]+)*$": (
        "'{value}' must be lower-case letters and digits joined by underscores, such as soc2_type2"
    ),
    "^[A-Z]{2,5}-[A-Z0-9]{2,6}-[0-9]{2,3}$": "'{value}' is not a control id such as SEC-IAM-01",
    "^[0-9]{4}\\.[0-9]+(\\.[0-9]+)?$": "'{value}' is not a calendar version such as 2026.1",
    "^[A-Z0-9]{18}[0-9]{2}$": (
        "'{value}' is not a Legal Entity Identifier: 18 capitals or digits, then 2 check digits"
    ),
    "^S(0[1-9]|1[0-9])$": "'{value}' is not an EBA ICT service type: S01 to S19",
    "^[^;\\s]([^;]*[^;\\s])?$": "'{value}' must not contain ';' or begin or end with a space",
    "^(x[0-9]{2,3}|qx27[78])$": (
        "'{value}' is not an EBA licensed-activity code such as x190 (the eba_TA list)"
    ),
    "^[A-Z]{2}[A-Z0-9]{1,20}\\.[A-Za-z0-9+.-]{1,40}$": (
        "'{value}' is not a European Unique Identifier such as DEK1101R.HRB116737"
    ),
}
_TYPE_WORDS = {
    "boolean": "true or false",
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "array": "a list",
    "object": "a group of fields",
    "null": "empty",
}


def _visible(text: str) -> str:
    """Line breaks and tabs written as escapes, so a message stays on its line."""
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _shown(value: Any) -> str:
    text = _visible(str(value))
    return text if len(text) <= 60 else text[:57] + "..."


def plain_message(error: ValidationError) -> str:
    """The error in words a person who never read JSON Schema understands."""
    value: Any = error.instance
    argument: Any = error.validator_value
    schema: Any = error.schema
    kind = error.validator
    if kind == "pattern" and argument in PATTERN_WORDS:
        return PATTERN_WORDS[argument].format(value=_shown(value))
    if kind == "enum":
        return f"'{_shown(value)}' must be one of: {', '.join(map(str, argument))}"
    if kind == "const":
        return f"must be {argument!r}, not '{_shown(value)}'"
    if kind == "type":
        wanted = argument if isinstance(argument, list) else [argument]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
        given = f"'{_shown(value)}'" if isinstance(value, str) else _shown(value)
        if isinstance(value, dict | list):
            given = "a group of fields" if isinstance(value, dict) else "a list"
        return f"must be {words}, not {given}"
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"'{missing}' is missing"
    if kind == "additionalProperties" and isinstance(value, dict):
        known = schema.get("properties", {}) if isinstance(schema, dict) else {}
        extra = sorted(str(k) for k in value if k not in known)
        fields = ", ".join(known) if known else "none"
        return f"unknown field(s) {', '.join(map(repr, extra))}; the fields are: {fields}"
    if kind == "minLength":
        return "must not be empty" if argument == 1 else f"must be at least {argument} characters"
    if kind == "maxLength":
        return f"is {len(str(value)):,} characters; at most {argument:,} are allowed"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"{_shown(value)} is too small; the least allowed is {argument}"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"{_shown(value)} is too large; the most allowed is {argument}"
    if kind == "minItems":
        return "must not be empty" if argument == 1 else f"must list at least {argument} items"
    if kind == "uniqueItems":
        return "lists the same value twice"
    if kind == "format" and argument == "date":
        return f"'{_shown(value)}' is not a date; dates are written 2026-06-15"
    return str(error.message)


def validate(
    name: str, document: Document, where: Callable[[Path], tuple[str, int | None]] | None = None
) -> list[Problem]:
    """Every schema error of the document, located by line and readable path, in plain words;
    the same message at the same place is given once. `where` names the file and line of a path
    when the document was put together from several files (a workbook's sheets, CSVs)."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in validator(name).iter_errors(document.data):
        detail = _deepest(error)
        path: Path = tuple(detail.absolute_path)
        message = _unknown_operator(detail) or plain_message(detail)
        if len(message) > 300:
            message = message[:297] + "..."
        key = (format_path(path, document.data), message)
        if key in seen:
            continue
        seen.add(key)
        source, line = (
            where(path) if where is not None else (document.source, document.line_of(path))
        )
        problems.append(Problem(source, message, line=line, path=key[0]))
    return problems
