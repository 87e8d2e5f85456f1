"""The workspace's signing certificate handed to those who verify its reports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from audit.errors import InputError
from audit.report.keys import certificate_fingerprint, workspace_certificate
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ExportedCertificate:
    path: Path
    fingerprint: str  # SHA-256 of the certificate, to compare over another channel
    subject: str


def export_certificate(workspace: Workspace, target: Path) -> ExportedCertificate:
    """Write the certificate this workspace signs reports with, for whoever verifies them
    (`audit verify REPORT --cert FILE`): public, so readable by all; never the key."""
    cert = workspace_certificate(workspace)
    if cert is None or not cert.is_file():
        raise InputError(
            "this workspace has no signing certificate yet",
            hint="it is made with the first report (`audit report VENDOR`)",
        )
    if target.exists():
        raise InputError(f"{target} already exists; nothing was written", hint="choose another -o")
    data = cert.read_bytes()
    certificate = x509.load_pem_x509_certificate(data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        raise InputError(f"{target}: cannot write: {exc.strerror}") from None
    os.fchmod(descriptor, 0o644)  # public, whatever the umask
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return ExportedCertificate(
        target, certificate_fingerprint(cert), certificate.subject.rfc4514_string()
    )
