"""The JSON Schemas shipped in `audit/content/schemas/`, and validation that reports every error
as `FILE:LINE: path.to.field: message`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from audit.content.yamlsafe import Document, Path
from audit.errors import Problem

SCHEMA_NAMES = ("checklist", "condition", "framework", "policy", "vendor")


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


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one of the shipped schemas; `$ref`s resolve among them."""
    return Draft202012Validator(load_schema(name), registry=_registry())


def format_path(path: Iterable[str | int], data: Any = None) -> str:
    """`controls[3].answer` reads better as `controls[SEC-IAM-01].answer` when items have ids."""
    parts: list[str] = []
    node = data
    for element in path:
        if isinstance(element, int):
            item = node[element] if isinstance(node, list) and 0 <= element < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            label = f"[{ident if isinstance(ident, str) else element}]"
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


def validate(name: str, document: Document) -> list[Problem]:
    """Every schema error of the document, located by line and readable path."""
    problems = []
    for error in validator(name).iter_errors(document.data):
        detail = _deepest(error)
        path: Path = tuple(detail.absolute_path)
        message = _unknown_operator(detail) or detail.message
        if len(message) > 300:
            message = message[:297] + "..."
        problems.append(
            Problem(
                document.source,
                message,
                line=document.line_of(path),
                path=format_path(path, document.data),
            )
        )
    return problems
