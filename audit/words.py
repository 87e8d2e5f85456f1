"""The register's codes in words, for what people read (reports, the dashboard): services, data
categories, access types and ISO 3166 countries. The codes stay what is stored and matched."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import iso3166

from audit.model import Access, DataCategory, Service

SERVICES = {
    Service.PAYROLL: "payroll",
    Service.ACCOUNTING: "accounting and finance operations",
    Service.HR_ADMIN: "HR administration",
    Service.IT_SERVICES: "IT services",
    Service.CUSTOMER_SERVICE: "customer service",
    Service.SALES: "sales",
    Service.MARKETING: "marketing",
    Service.DOCUMENT_MANAGEMENT: "document management",
    Service.DATA_ENTRY: "data entry",
    Service.LEGAL: "legal services",
    Service.RESEARCH: "research",
    Service.ANALYTICS: "analytics",
    Service.PROCUREMENT: "procurement",
    Service.LOGISTICS: "logistics",
}
DATA = {
    DataCategory.NONE: "no client data",
    DataCategory.INTERNAL: "internal business data",
    DataCategory.PERSONAL: "personal data",
    DataCategory.SENSITIVE_PERSONAL: "special-category personal data",
    DataCategory.FINANCIAL: "financial data",
    DataCategory.PAYMENT_CARD: "payment card data",
    DataCategory.HEALTH: "health data",
}
ACCESS = {
    Access.NONE: "no access to our systems",
    Access.APPLICATION: "application access",
    Access.NETWORK: "network access",
    Access.PRIVILEGED: "privileged access",
    Access.PHYSICAL: "physical access to our sites",
}
# Shorter names than ISO's formal ones, where a report line would otherwise run long.
_SHORT = {
    "GB": "United Kingdom",
    "US": "United States",
    "KR": "South Korea",
    "KP": "North Korea",
    "RU": "Russia",
    "VN": "Vietnam",
    "TW": "Taiwan",
    "IR": "Iran",
    "SY": "Syria",
    "LA": "Laos",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "CZ": "Czechia",
    "NL": "Netherlands",
    "PH": "Philippines",
}


_BY_CODE: dict[int, dict[str, str]] = {}


def _words(table: Mapping[Any, str], code: str) -> str:
    """The words for a register code (an enum's value), or the code made readable."""
    by_code = _BY_CODE.get(id(table))
    if by_code is None:
        by_code = _BY_CODE[id(table)] = {key.value: words for key, words in table.items()}
    return by_code.get(code) or code.replace("_", " ")


def service(code: str) -> str:
    return _words(SERVICES, code)


def data(code: str) -> str:
    return _words(DATA, code)


def access(code: str) -> str:
    return _words(ACCESS, code)


def country(code: str) -> str:
    """`Morocco (MA)`: the name and the code, so that both readers and filters find it."""
    if code in _SHORT:
        return f"{_SHORT[code]} ({code})"
    try:
        return f"{iso3166.countries_by_alpha2[code].apolitical_name} ({code})"
    except KeyError:
        return code


def is_country(code: str) -> bool:
    return code in iso3166.countries_by_alpha2


def is_currency(code: str) -> bool:
    """An ISO 4217 currency code in use or listed."""
    import iso4217  # the ISO 4217 table, only where a currency is checked

    try:
        iso4217.Currency(code)
    except ValueError:
        return False
    return True
