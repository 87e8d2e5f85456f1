"""Embedding the run's JSON in the PDF, and signing it PAdES B-B (B-T with a timestamp authority)
with pyHanko, as `ETSI.CAdES.detached`, so that Adobe Reader and poppler's `pdfsig` accept it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

from audit.errors import WorkspaceError
from audit.report.keys import SigningConfig
from audit.report.verify import ATTACHMENT_KEY, HISTORY_KEY, STATED_HASH_KEY

FIELD_NAME = "AuditSignature"


def embed_json(
    pdf: bytes,
    name: str,
    data: bytes,
    description: str,
    when: dt.datetime,
    history: tuple[int, str] | None = None,
    also: Sequence[tuple[str, bytes, str]] = (),
) -> bytes:
    """The PDF with `data` attached as `name`, and any further (name, data, description) in
    `also`, in an incremental update before signing.

    The document information also states the main attachment's name and SHA-256, so that a
    verifier can check it against what the signed report claims, and the real creation time
    (the layout itself is written with a fixed one, so that it is reproducible).
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info[STATED_HASH_KEY] = generic.TextStringObject(hashlib.sha256(data).hexdigest())
    info[ATTACHMENT_KEY] = generic.TextStringObject(name)
    info[generic.NameObject("/CreationDate")] = generic.pdf_date(when)
    info[generic.NameObject("/ModDate")] = generic.pdf_date(when)
    if history is not None:  # signed with the rest: a later rewrite of the history shows
        info[HISTORY_KEY] = generic.TextStringObject(f"{history[0]} {history[1]}")
    writer.update_container(info)
    for file_name, content, about in ((name, data, description), *also):
        params = embed.EmbeddedFileParams(creation_date=when, modification_date=when)
        stream = embed.EmbeddedFileObject.from_file_data(
            writer, data=content, params=params, mime_type="application/json"
        )
        spec = embed.FileSpec(
            file_spec_string=file_name,
            file_name=file_name,
            embedded_data=stream,
            description=about,
            af_relationship=generic.NameObject("/Data"),
        )
        embed.embed_file(writer, spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def load_signer(config: SigningConfig) -> signers.SimpleSigner:
    """The signer for the configured key; a clear error when it cannot be loaded."""
    signer: signers.SimpleSigner | None
    if config.pkcs12 is not None:
        signer = signers.SimpleSigner.load_pkcs12(str(config.pkcs12), passphrase=config.passphrase)
        source = str(config.pkcs12)
    else:
        signer = signers.SimpleSigner.load(
            str(config.key), str(config.cert), key_passphrase=config.passphrase
        )
        source = f"{config.key} and {config.cert}"
    if signer is None:
        raise WorkspaceError(
            f"cannot load the signing key from {source}",
            hint="check the files, and AUDIT_KEY_PASSPHRASE if the key is encrypted",
        )
    if not _pair_matches(signer):
        raise WorkspaceError(
            f"the signing key does not belong to the certificate ({source}): a report signed "
            "with it would fail verification, so none is written",
            hint="restore the key that goes with the certificate, or configure a matching "
            "key and certificate under [signing]",
        )
    return signer


def _pair_matches(signer: signers.SimpleSigner) -> bool:
    """Whether the private key is the one the certificate certifies (compared as public keys)."""
    from cryptography.hazmat.primitives import serialization

    if signer.signing_cert is None:
        return False
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    private = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
    certified = serialization.load_der_public_key(signer.signing_cert.public_key.dump())
    return private.public_key().public_bytes(*spki) == certified.public_bytes(*spki)


@dataclass(frozen=True, slots=True)
class SignatureRequest:
    reason: str
    location: str | None = None
    contact: str | None = None


def sign_pdf(
    pdf: bytes,
    signer: signers.Signer,
    request: SignatureRequest,
    timestamper: timestamps.TimeStamper | None = None,
) -> bytes:
    """Sign the whole PDF (a final incremental update) with a PAdES baseline signature."""
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=request.reason,
        location=request.location,
        contact_info=request.contact,
        use_pades_lta=False,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = io.BytesIO()
    PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer, output=out)
    return out.getvalue()


def timestamper_for(url: str | None) -> timestamps.TimeStamper | None:
    return timestamps.HTTPTimeStamper(url) if url else None
