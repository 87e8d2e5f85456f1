"""How each setting's value is read and checked: every parser takes what `audit.toml` or the
environment gave and returns the value, or raises ValueError saying what is wanted (settings.py
collects every problem of a file at once)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from audit.inputs import address_problem, name_problem
from audit.model import Regime


def positive_int(value: Any) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a positive whole number")
    return number


def string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be non-empty text")
    return value


def one_line(value: Any) -> str:
    text = string(value)
    if name_problem(text) is not None:
        raise ValueError("must be one line of text, without control characters")
    return text.strip()


def email(value: Any) -> str:
    text = one_line(value)
    problem = address_problem(text)
    if problem is not None:
        raise ValueError(f"{problem}, such as risk@example.com")
    return text


def database_url(value: Any) -> str:
    text = one_line(value)
    if "://" not in text:
        raise ValueError(
            "must be a database URL, such as postgresql+psycopg://user@host/db or "
            "sqlite:////path/to/audit.db"
        )
    return text


def policy_name(value: Any) -> str:
    text = one_line(value)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", text) or ".." in text:
        raise ValueError("must be the name of a file in policies/, such as default (no path)")
    return text


def regimes(value: Any) -> tuple[str, ...]:
    known = {r.value for r in Regime}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(
            f'must be a list of names, such as ["dora", "gdpr"]; known: {", ".join(sorted(known))}'
        )
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ValueError(f"unknown regime {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return tuple(dict.fromkeys(value))


def country(value: Any) -> str:
    text = one_line(value)
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise ValueError("must be an ISO 3166 alpha-2 country code in capitals, such as DE")
    return text


def currency(value: Any) -> str:
    text = one_line(value)
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError("must be an ISO 4217 currency code in capitals, such as EUR")
    return text


def rates(value: Any) -> dict[str, float]:
    """`{GBP = 1.17, USD = 0.92}`: what one unit of each currency is worth in money.currency."""
    if not isinstance(value, dict):
        raise ValueError("must be a table of currency = rate, such as { GBP = 1.17 }")
    rates = {}
    for code, rate in value.items():
        if not re.fullmatch(r"[A-Z]{3}", str(code)):
            raise ValueError(f"{code!r} is not an ISO 4217 currency code such as GBP")
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate < 1e9:
            raise ValueError(f"{code}: the rate must be a positive number, not {rate!r}")
        rates[str(code)] = float(rate)
    return rates


def day(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(one_line(value))
    except ValueError:
        raise ValueError("must be a date such as 2026-11-30") from None


def base_url(value: Any) -> str:
    text = one_line(value).rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#@]+", text):
        raise ValueError(
            "must be the address vendors open, such as https://audit.example.com (the portal "
            "is served at the root of its address: no path or query)"
        )
    return text


def base_url_with_path(value: Any) -> str:
    text = one_line(value).rstrip("/")
    if not re.fullmatch(r"https?://[^\s?#@]+", text):
        raise ValueError("must be an https address, such as https://login.example.com/realms/x")
    return text


def host(value: Any) -> str:
    text = one_line(value)
    if not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]{1,255}", text):
        raise ValueError("must be an address to listen on, such as 127.0.0.1 or 0.0.0.0")
    return text


def port(value: Any) -> int:
    number = int(value)
    if not 1 <= number <= 65535:
        raise ValueError("must be a port number from 1 to 65535")
    return number


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def questionnaire_format(value: Any) -> str:
    text = string(value).lower().lstrip(".")
    if text not in ("xlsx", "yaml", "json"):
        raise ValueError("must be xlsx, yaml or json")
    return text
