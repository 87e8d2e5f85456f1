"""What a user reads when something goes wrong that is not their input: one line, no traceback,
and nothing of the vendors' data that a database error carries."""

from __future__ import annotations

import errno

import pytest
import sqlalchemy as sa

from audit import services

STATEMENT = "INSERT INTO vendors (id, name, contact) VALUES (%(id)s, %(name)s, %(contact)s)"
VALUES = {"id": "acme", "name": "Acme Confidential Ltd", "contact": "ceo@acme.example"}


def _raises(exc: BaseException):  # noqa: ANN202
    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    return fail


def test_a_database_error_names_the_driver_error_but_not_the_statement_or_values(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = ValueError("value too long for type character varying(200)\nDETAIL: Acme Confidential")
    monkeypatch.setattr(
        services, "vendor_listing", _raises(sa.exc.DataError(STATEMENT, VALUES, driver))
    )
    result = cli("vendors", "list")
    assert result.exit_code == 70
    assert "internal error: ValueError: value too long for type character varying(200)" in (
        result.output
    )
    for secret in ("INSERT", "Acme", "ceo@acme.example", "DETAIL", "Traceback"):
        assert secret not in result.output


def test_debug_still_shows_everything(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    error = sa.exc.DataError(STATEMENT, VALUES, ValueError("bad"))
    monkeypatch.setattr(services, "vendor_listing", _raises(error))
    result = cli("--debug", "vendors", "list")
    assert result.exception is error


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/w/reports/r.pdf"), "cannot write"),
        (
            sa.exc.OperationalError(STATEMENT, VALUES, Exception("database or disk is full")),
            "the database could not be written: its disk is full",
        ),
    ],
)
def test_a_full_disk_is_refused_not_called_a_bug(
    cli, monkeypatch: pytest.MonkeyPatch, error: Exception, said: str
) -> None:
    monkeypatch.setattr(services, "vendor_listing", _raises(error))
    result = cli("vendors", "list")
    assert result.exit_code == 2, result.output
    assert said in result.output and "nothing was changed" in result.output
    assert "bug" not in result.output and "Acme" not in result.output
