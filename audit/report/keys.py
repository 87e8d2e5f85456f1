"""The signing identity: the workspace's own key and self-signed certificate (made on first use),
or the organisation's key and certificate (PEM or PKCS#12) named in `audit.toml`:

    [signing]
    key = "/path/org-key.pem"       # with cert = "/path/org-cert.pem"
    cert = "/path/org-cert.pem"
    pkcs12 = "/path/org.p12"        # instead of key and cert
    tsa_url = "https://tsa.example/" # optional RFC 3161 timestamps (PAdES B-T)

Passphrases come from AUDIT_KEY_PASSPHRASE, never from files.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from audit.errors import WorkspaceError
from audit.workspace import Workspace

PASSPHRASE_ENV = "AUDIT_KEY_PASSPHRASE"  # noqa: S105 - the variable name, not a secret
KEY_FILE = "signing-key.pem"
CERT_FILE = "signing-cert.pem"


@dataclass(frozen=True, slots=True)
class SigningConfig:
    key: Path | None
    cert: Path | None
    pkcs12: Path | None
    tsa_url: str | None
    passphrase: bytes | None


def passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode("utf-8") if value else None


class MissingIdentityError(WorkspaceError):
    """The workspace's signing key and certificate are gone, and may not be silently replaced."""


def signing_config(workspace: Workspace, *, create_identity: bool = True) -> SigningConfig:
    """Where the signing key and certificate are, from `audit.toml` or the workspace defaults."""
    table: dict[str, object] = {}
    config_file = workspace.root / "audit.toml"
    if config_file.exists():
        section = tomllib.loads(config_file.read_text(encoding="utf-8")).get("signing", {})
        if not isinstance(section, dict):
            raise WorkspaceError(
                "audit.toml: signing must be a table",
                hint="write [signing] on its own line, with key and cert, or pkcs12, below it",
            )
        table = section

    def path(name: str) -> Path | None:
        value = table.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise WorkspaceError(f"audit.toml: signing.{name} must be a file path")
        found = (workspace.root / value).resolve()
        if not found.is_file():
            raise WorkspaceError(f"audit.toml: signing.{name}: {found} not found")
        return found

    key, cert, pkcs12 = path("key"), path("cert"), path("pkcs12")
    if (key is None) != (cert is None):
        raise WorkspaceError("audit.toml: signing.key and signing.cert go together")
    if pkcs12 is not None and key is not None:
        raise WorkspaceError("audit.toml: give signing.pkcs12 or signing.key and cert, not both")
    tsa = table.get("tsa_url")
    if tsa is not None and not (isinstance(tsa, str) and tsa.startswith(("http://", "https://"))):
        raise WorkspaceError("audit.toml: signing.tsa_url must be an http(s) URL")
    if key is None and pkcs12 is None:
        key, cert = ensure_workspace_identity(workspace, create=create_identity)
    return SigningConfig(key, cert, pkcs12, tsa if isinstance(tsa, str) else None, passphrase())


def ensure_workspace_identity(
    workspace: Workspace,
    *,
    create: bool = True,
    common_name: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Path, Path]:
    """The workspace key (0600, encrypted when a passphrase is set) and its certificate, made
    on first use; when they are missing and `create` is off, an error that says what to do."""
    folder = workspace.keys_dir
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    if key_path.exists() != cert_path.exists():
        raise WorkspaceError(
            f"{folder} has only one of {KEY_FILE} and {CERT_FILE}; restore the other or remove both"
        )
    if not create:
        raise MissingIdentityError(
            f"the workspace's signing key and certificate are missing from {folder}: reports "
            "signed before verify only against that certificate, so no new key is made silently",
            hint="restore .audit/keys/ from your backup, or start a new signing identity on "
            "purpose with `audit keys new`",
        )
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME, common_name or f"vendor-audit {workspace.root.name}"
            ),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Third-party risk audit"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    secret = passphrase()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def workspace_certificate(workspace: Workspace) -> Path | None:
    """The certificate reports of this workspace are expected to be signed with."""
    config_file = workspace.root / "audit.toml"
    if config_file.exists():
        section = tomllib.loads(config_file.read_text(encoding="utf-8")).get("signing", {})
        cert_name = section.get("cert") if isinstance(section, dict) else None
        if isinstance(cert_name, str):
            return (workspace.root / cert_name).resolve()
    cert = workspace.keys_dir / CERT_FILE
    return cert if cert.exists() else None


def certificate_fingerprint(cert_path: Path) -> str:
    """SHA-256 of the certificate (DER): what the workspace records of its identity."""
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return certificate.fingerprint(hashes.SHA256()).hex()
