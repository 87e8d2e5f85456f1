"""Signed reports: pdfsig and qpdf accept them, tampering is caught, text is searchable."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from audit.services import reports
from audit.workspace import Workspace
from tests.report.conftest import RENDERED, VENDOR, invoke

NEEDS = ("pdfsig", "qpdf", "pdftotext")


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    missing = [t for t in NEEDS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install poppler-utils and qpdf (.ci/run does)")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


def test_vendor_report_is_signed_valid_and_searchable(assessed: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = invoke(assessed, "report", VENDOR, "-o", out)
    assert result.exit_code == 0, result.output
    sig = run("pdfsig", str(out))
    assert "Signature is Valid." in sig and "Total document signed" in sig
    assert "ETSI.CAdES.detached" in sig
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    text = run("pdftotext", "-layout", str(out), "-")
    assert "Archiva Document Solutions GmbH" in text
    findings = invoke(
        assessed, "findings", "list", "--vendor", VENDOR, "--status", "open", "-f", "csv"
    ).output
    open_controls = [line.split(",")[2] for line in findings.splitlines()[1:]]
    assert open_controls
    for control in open_controls:
        assert control in text
    assert "residual risk" in text and "Evidence register" in text and "Method" in text
    verified = invoke(assessed, "verify", out)
    assert verified.exit_code == 0, verified.output
    assert verified.output.count("ok  ") == 5


def test_flipped_byte_and_appended_update_fail_verification(
    assessed: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "r.pdf"
    assert invoke(assessed, "report", VENDOR, "-o", out).exit_code == 0
    data = out.read_bytes()
    flipped = bytearray(data)
    position = (
        data.index(b"Archiva Document Solutions")
        if b"Archiva Document Solutions" in data
        else len(data) // 3
    )
    flipped[position] ^= 0x01
    broken = tmp_path / "flipped.pdf"
    broken.write_bytes(bytes(flipped))
    result = invoke(assessed, "verify", broken)
    assert result.exit_code == 1
    assert "FAIL intact" in result.output or "FAIL readable" in result.output

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.trailer["/Info"].get_object()
    info["/Title"] = generic.TextStringObject("edited after signing")
    writer.update_container(info)
    appended = io.BytesIO()
    writer.write(appended)
    later = tmp_path / "appended.pdf"
    later.write_bytes(appended.getvalue())
    result = invoke(assessed, "verify", later)
    assert result.exit_code == 1
    assert "FAIL covers whole file" in result.output
    assert "ok   intact" in result.output


def _self_signed(key, common_name: str, *extensions: x509.ExtensionType) -> x509.Certificate:  # noqa: ANN001
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=True)
    return builder.sign(key, hashes.SHA256())


def _other_identity(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _self_signed(
        key,
        "Org Signing CA",
        x509.KeyUsage(True, True, False, False, False, True, False, False, False),
        x509.BasicConstraints(ca=True, path_length=0),
    )
    key_path, cert_path = tmp_path / "org-key.pem", tmp_path / "org-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    p12 = tmp_path / "org.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, None, serialization.BestAvailableEncryption(b"s3cret")
        )
    )
    return cert_path, p12


def test_untrusted_signer_fails_and_org_pkcs12_signs(
    assessed: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.pdf"
    assert invoke(assessed, "report", VENDOR, "-o", out).exit_code == 0
    other_cert, p12 = _other_identity(tmp_path)
    wrong = invoke(assessed, "verify", out, "--cert", other_cert)
    assert wrong.exit_code == 1 and "FAIL trusted signer" in wrong.output
    (assessed.root / "audit.toml").write_text(f'[signing]\npkcs12 = "{p12}"\n')
    monkeypatch.setenv("AUDIT_KEY_PASSPHRASE", "s3cret")
    org = tmp_path / "org.pdf"
    result = invoke(assessed, "report", VENDOR, "-o", org)
    assert result.exit_code == 0, result.output
    assert "Org Signing CA" in result.output
    assert invoke(assessed, "verify", org, "--cert", other_cert).exit_code == 0
    monkeypatch.setenv("AUDIT_KEY_PASSPHRASE", "wrong")
    refused = invoke(assessed, "report", VENDOR, "-o", tmp_path / "x.pdf")
    assert refused.exit_code == 2 and "cannot load the signing key" in refused.output


def test_timestamped_signature_b_t(assessed: Workspace, tmp_path: Path) -> None:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # dummy TSA: RSA only
    cert = _self_signed(
        key, "Test TSA", x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING])
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    out = tmp_path / "bt.pdf"
    reports.vendor_report(assessed, VENDOR, output=out, rendered_at=RENDERED, timestamper=stamper)
    sig = run("pdfsig", str(out))
    assert "Signature is Valid." in sig and "Total document signed" in sig
    data = out.read_bytes()
    assert b"/ETSI.CAdES.detached" in data
    assert reports.verify_report(assessed, out).ok


def test_portfolio_report(assessed: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "portfolio.pdf"
    result = invoke(assessed, "report", "portfolio", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Total document signed" in run("pdfsig", str(out))
    text = run("pdftotext", "-layout", str(out), "-")
    for expected in (
        "Inherent tier against residual risk",
        "Overdue assessments",
        "Concentration",
        "meridian-payroll",
        "archiva-documents",
    ):
        assert expected in text
    verified = invoke(assessed, "verify", out)
    assert verified.exit_code == 0 and "portfolio.json" in verified.output


def test_no_comment_can_stop_a_report(assessed: Workspace, tmp_path: Path, monkeypatch) -> None:
    """A row as tall as several pages continues on the next page instead of stopping the
    report: 300 short lines, 4,000 characters without a space, and both at once."""
    import dataclasses

    from audit.services import reports

    original = reports.render_vendor_report
    long_lines = "\n".join(f"line {i}" for i in range(300))
    hostile = [long_lines, "W" * 4000, long_lines + "W" * 4000]

    def with_hostile_comments(report, signer):  # noqa: ANN001, ANN202
        controls = list(report.controls)
        for index, comment in enumerate(hostile):
            controls[index] = dataclasses.replace(controls[index], comment=comment)
        return original(dataclasses.replace(report, controls=tuple(controls)), signer)

    monkeypatch.setattr(reports, "render_vendor_report", with_hostile_comments)
    out = tmp_path / "tall.pdf"
    result = invoke(assessed, "report", "archiva-documents", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Total document signed" in run("pdfsig", str(out))
    text = run("pdftotext", "-layout", str(out), "-")
    assert "line 0" in text and "line 299" in text and "WWWWWWWWWW" in text


def test_a_key_that_does_not_match_its_certificate_signs_nothing(
    assessed: Workspace, tmp_path: Path
) -> None:
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    first = tmp_path / "first.pdf"
    assert invoke(assessed, "report", "archiva-documents", "-o", first).exit_code == 0
    key_path = assessed.keys_dir / "signing-key.pem"
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.write_bytes(other)
    os.chmod(key_path, 0o600)
    second = tmp_path / "second.pdf"
    result = invoke(assessed, "report", "archiva-documents", "-o", second)
    assert result.exit_code == 2, result.output
    assert "does not belong to the certificate" in result.output
    assert not second.exists() and not list(tmp_path.glob(".audit-report-*"))


def test_a_lost_key_is_not_replaced_behind_the_users_back(
    assessed: Workspace, tmp_path: Path
) -> None:
    import shutil

    assert invoke(assessed, "report", "archiva-documents", "-o", tmp_path / "a.pdf").exit_code == 0
    shutil.rmtree(assessed.keys_dir)
    refused = invoke(assessed, "report", "archiva-documents", "-o", tmp_path / "b.pdf")
    assert refused.exit_code == 2, refused.output
    assert "missing" in refused.output and "audit keys new" in refused.output
    assert not (tmp_path / "b.pdf").exists() and not assessed.keys_dir.exists()
    made = invoke(assessed, "keys", "new")
    assert made.exit_code == 0, made.output
    assert invoke(assessed, "keys", "new").exit_code == 2  # one identity at a time
    assert invoke(assessed, "report", "archiva-documents", "-o", tmp_path / "c.pdf").exit_code == 0
    # The first report still verifies against the old certificate only: with the new one it
    # is named as signed by someone else.
    assert invoke(assessed, "verify", tmp_path / "c.pdf").exit_code == 0
    assert invoke(assessed, "verify", tmp_path / "a.pdf").exit_code == 1


def test_a_damaged_compressed_stream_is_a_failed_check(assessed: Workspace, tmp_path: Path) -> None:
    import re

    report = tmp_path / "r.pdf"
    assert invoke(assessed, "report", "archiva-documents", "-o", report).exit_code == 0
    data = report.read_bytes()
    embedded = data.find(b"/EmbeddedFile")
    match = re.compile(rb"stream\r?\n").search(data, embedded)
    assert match is not None
    start = match.end() + 5
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(
        data[:start] + bytes(b ^ 0xFF for b in data[start : start + 30]) + data[start + 30 :]
    )
    result = invoke(assessed, "verify", damaged)
    assert result.exit_code == 1, result.output
    assert "FAIL attachment hash: cannot read the attachment" in result.output
    assert "internal error" not in result.output


def test_reports_show_the_hashed_result_and_refuse_an_altered_one(
    assessed: Workspace, tmp_path: Path
) -> None:
    import sqlite3

    database = sqlite3.connect(assessed.state_dir / "audit.db")
    run_id, score, rating = database.execute(
        "select id, score, rating from audit_run order by id desc limit 1"
    ).fetchone()
    database.execute(
        "update audit_run set rating = 'low', score = 97.5, band_rating = 'low' where id = ?",
        (run_id,),
    )
    database.commit()
    shown = tmp_path / "columns.pdf"
    assert invoke(assessed, "report", "archiva-documents", "-o", shown).exit_code == 0
    text = run("pdftotext", "-layout", str(shown), "-")
    assert "97.5" not in text and f"{score:.1f}" in text
    database.execute(
        "update audit_run set result = json_set(result, '$.rating', 'low') where id = ?",
        (run_id,),
    )
    database.commit()
    database.close()
    forged = tmp_path / "forged.pdf"
    result = invoke(assessed, "report", "archiva-documents", "-o", forged)
    assert result.exit_code == 2 and "does not hash" in result.output, result.output
    assert not forged.exists() and not list(tmp_path.glob(".audit-report-*"))


def test_the_certificate_is_exported_for_others_and_several_reports_are_verified_at_once(
    assessed: Workspace, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        assert invoke(assessed, "report", VENDOR, "-o", out).exit_code == 0
    cert = tmp_path / "shared" / "signing-cert.pem"  # its folder is made
    exported = invoke(assessed, "keys", "export-cert", "-o", cert)
    assert exported.exit_code == 0, exported.output
    fingerprint = x509.load_pem_x509_certificate(cert.read_bytes()).fingerprint(hashes.SHA256())
    assert fingerprint.hex() in exported.output
    assert cert.stat().st_mode & 0o777 == 0o644 and b"PRIVATE KEY" not in cert.read_bytes()
    again = invoke(assessed, "keys", "export-cert", "-o", cert)
    assert again.exit_code == 2 and "already exists" in again.output
    # A committee member with no workspace checks both with the certificate it was given.
    elsewhere = tmp_path / "not-a-workspace"
    elsewhere.mkdir()
    both = invoke(assessed, "--workspace", elsewhere, "verify", first, second, "--cert", cert)
    assert both.exit_code == 0, both.output
    assert both.output.count("all checks passed") == 2
    # One damaged among them: exit 1, naming it, and the other still reported as passing.
    damaged = tmp_path / "c.pdf"
    data = bytearray(second.read_bytes())
    data[len(data) // 3] ^= 0x01
    damaged.write_bytes(bytes(data))
    mixed = invoke(assessed, "verify", first, damaged, "--cert", cert)
    assert mixed.exit_code == 1
    assert f"{first}: all checks passed" in mixed.output
    assert "verification failed" in mixed.output and str(damaged) in mixed.output
    assert "Traceback" not in mixed.output
    # A file that is not there is bad input (exit 2), and the others are still checked.
    missing = invoke(assessed, "verify", first, tmp_path / "gone.pdf", "--cert", cert)
    assert missing.exit_code == 2 and f"{first}: all checks passed" in missing.output
    assert "1 of 2 not checked" in missing.output and "gone.pdf: no such file" in missing.output
