"""`audit verify`: every check a reader of a signed report needs, each reported on its own.

1. the PDF parses and carries a signature;
2. the signature is cryptographically intact and valid;
3. it covers the whole file: nothing was appended after signing;
4. the signer chains to the trusted certificate (the workspace's, or `--cert`);
5. the embedded run JSON hashes to the SHA-256 the report states.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from audit.errors import InputError

STATED_HASH_KEY = "/AuditRunSHA256"
ATTACHMENT_KEY = "/AuditAttachment"
HISTORY_KEY = "/AuditHistoryHead"  # "<entries> <sha256>": the history chain when it was signed


def history_head(path: Path) -> tuple[int, str] | None:
    """The history chain's length and head a signed report states, or None if it states none
    (or cannot be read)."""
    try:
        with path.open("rb") as handle:
            stated = str(_info(PdfFileReader(handle)).get(HISTORY_KEY, ""))
    except (OSError, *DAMAGE):
        return None
    count, _, head = stated.partition(" ")
    if not count.isdigit() or len(head) != 64:
        return None
    return int(count), head


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Verification:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def load_certificate(path: Path) -> asn1_x509.Certificate:
    data = path.read_bytes()
    if asn1_pem.detect(data):
        _, _, data = asn1_pem.unarmor(data)
    try:
        return asn1_x509.Certificate.load(data)
    except ValueError as exc:
        raise InputError(f"{path}: not an X.509 certificate ({exc})") from None


def _deref(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _attachments(reader: PdfFileReader) -> dict[str, bytes]:
    names = _deref(reader.root.get("/Names"))
    if names is None or "/EmbeddedFiles" not in names:
        return {}
    tree = _deref(names["/EmbeddedFiles"])
    flat = list(_deref(tree.get("/Names", [])))
    for kid in _deref(tree.get("/Kids", [])):
        flat += list(_deref(_deref(kid).get("/Names", [])))
    found = {}
    for i in range(0, len(flat) - 1, 2):
        spec = _deref(flat[i + 1])
        stream = _deref(_deref(spec["/EF"])["/F"])
        found[str(flat[i])] = stream.data
    return found


def _info(reader: PdfFileReader) -> Any:
    trailer = reader.trailer
    return trailer["/Info"].get_object() if "/Info" in trailer else {}


# A damaged file can fail inside any of the PDF, compression or certificate libraries, with
# any of their exceptions (a corrupted compressed stream raises zlib.error): for a verifier,
# each is the same outcome, a failed check that names what could not be read.
DAMAGE = (Exception,)


def verify_pdf(pdf: bytes, trusted: asn1_x509.Certificate | None) -> Verification:
    """Run every check on the PDF's bytes; later checks are skipped when the file cannot be read.
    pyHanko logs each failed path validation with its traceback; what failed is in the checks,
    so its loggers are quiet while they run (unless logging is at debug level)."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    before = [logger.level for logger in loggers]
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        for logger in loggers:  # their modules' loggers inherit the level
            logger.setLevel(logging.CRITICAL + 1)
    try:
        return _verify_pdf(pdf, trusted)
    finally:
        for logger, level in zip(loggers, before, strict=True):
            logger.setLevel(level)


def _verify_pdf(pdf: bytes, trusted: asn1_x509.Certificate | None) -> Verification:
    checks: list[Check] = []
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
    except DAMAGE as exc:
        return Verification((Check("readable", False, f"not a readable PDF: {exc}"),))
    if not signatures:
        return Verification((Check("signed", False, "the PDF carries no signature"),))
    checks.append(Check("signed", True, f"{len(signatures)} signature(s)"))
    signature = signatures[-1]
    context = ValidationContext(
        trust_roots=[trusted] if trusted is not None else [],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(signature, context)
    except DAMAGE as exc:
        checks.append(Check("intact", False, f"signature cannot be validated: {exc}"))
        return Verification(tuple(checks))
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else "unknown"
    checks.append(
        Check(
            "intact",
            bool(status.intact and status.valid),
            "signed bytes unchanged and signature valid"
            if status.intact and status.valid
            else "the signed content was changed after signing, or the signature is invalid",
        )
    )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    checks.append(
        Check(
            "covers whole file",
            whole,
            "nothing was added after signing"
            if whole
            else f"the signature covers only part of the file ({status.coverage}); "
            "something was appended after signing",
        )
    )
    if trusted is None:
        checks.append(
            Check(
                "trusted signer",
                False,
                "no certificate to trust: this workspace has no signing certificate; pass "
                "--cert with the signer's (they write it with `audit keys export-cert`)",
            )
        )
    else:
        checks.append(
            Check(
                "trusted signer",
                bool(status.trusted),
                f"signed by {signer}, trusted"
                if status.trusted
                else f"signed by {signer}, which does not chain to the trusted certificate",
            )
        )
    checks.append(_attachment_check(reader))
    return Verification(tuple(checks))


def _attachment_check(reader: PdfFileReader) -> Check:
    try:
        info = _info(reader)
        stated = str(info.get(STATED_HASH_KEY, "")) or None
        name = str(info.get(ATTACHMENT_KEY, "audit-run.json"))
        attachments = _attachments(reader)
    except DAMAGE as exc:
        return Check("attachment hash", False, f"cannot read the attachment: {exc}")
    if stated is None:
        return Check("attachment hash", False, "the report states no run hash")
    data = attachments.get(name)
    if data is None:
        return Check("attachment hash", False, f"no attachment named {name}")
    actual = hashlib.sha256(data).hexdigest()
    if actual != stated:
        return Check(
            "attachment hash", False, f"{name} hashes to {actual}, the report states {stated}"
        )
    return Check("attachment hash", True, f"{name} sha256 {actual} as stated")
