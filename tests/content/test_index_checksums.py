"""The framework indexes are cited in signed reports: an id or a title must not change by
accident. Each index's requirements (id, title, group, whose duty), with its edition, the
regimes that make it law and its short title for citations, hash to the value
below; a deliberate change updates the value in the same commit, with the reason in its
message (and the source checked, for a citation)."""

from __future__ import annotations

import hashlib
import json

import pytest

from audit.content.model import ContentSet, Framework

INDEX_SHA256 = {
    "dora": "930bcc971e26e27e9946dd32796c91a6b104cfae6a331f78d04dc8f4324b67af",
    "eba-gl-2019-02": "7142b3857f45100ecaab65c68c0bb4f5174e02e8e1cde56e5a8449064eb94e76",
    "gdpr": "b6205e1684dd323c43eeecf22d88a13b2d48043802824ae2521ba6e5574e5265",
    "hipaa": "693415950dd81f03731a197f834333e1fb908e21ae64a7ee1d3d66edbb6584bd",
    "iso22301-2019": "c4f634c1a0e268e682e4ece1b808a6b5d0147c72124ab889e7becaed50a1ee42",
    "iso27001-2022": "9429cb33c8c945fff941a675e725e156ec16c6412c15a51decbd6595937eefdd",
    "nist-csf-2.0": "98570d0af7d7f2139c9f5641dac031b321ec17ea85d6eb75095328e56b00bb52",
    "pci-dss-4.0.1": "e686576a00c892e97b675f383a14b95c61341b5a73b78ae7ad71b52ed3ba3e63",
    "soc2-tsc-2017": "6d2eb233b11650d2728b705cd4596feb3f7dc7d4898508c08f2643863450eeb7",
}


def index_digest(framework: Framework) -> str:
    rows = [[r.id, r.title, r.group, r.duty] for r in framework.requirements]
    head = [framework.edition, list(framework.regimes), framework.short_title]
    text = json.dumps([head, rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_every_index_is_pinned(content: ContentSet) -> None:
    assert set(content.frameworks) == set(INDEX_SHA256)


@pytest.mark.parametrize("framework_id", sorted(INDEX_SHA256))
def test_index_ids_and_titles_change_only_deliberately(
    content: ContentSet, framework_id: str
) -> None:
    actual = index_digest(content.frameworks[framework_id])
    assert actual == INDEX_SHA256[framework_id], (
        f"{framework_id}: the index changed; if that was meant (and the source checked), "
        f'set INDEX_SHA256["{framework_id}"] = "{actual}"'
    )
