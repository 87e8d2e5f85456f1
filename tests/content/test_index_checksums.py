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
    "dora": "ed180de33f22a5fc57e5fa48e12cad547a2fe1ebe31cbb7479c56373d6d03016",
    "eba-gl-2019-02": "dd0afd279be2a8a00581232292e91fa8585afbf12ad25a29e2ecabfdbf939f43",
    "gdpr": "01502cd38511e0d6e25c9aeb19d62bf72b579d89bcb2e6132dc9b56cfaa21510",
    "hipaa": "693415950dd81f03731a197f834333e1fb908e21ae64a7ee1d3d66edbb6584bd",
    "iso22301-2019": "c4f634c1a0e268e682e4ece1b808a6b5d0147c72124ab889e7becaed50a1ee42",
    "iso27001-2022": "9429cb33c8c945fff941a675e725e156ec16c6412c15a51decbd6595937eefdd",
    "nist-csf-2.0": "98570d0af7d7f2139c9f5641dac031b321ec17ea85d6eb75095328e56b00bb52",
    "pci-dss-4.0.1": "d211cc7462082caa932d044ee2a63feb0e4737b0a4600e463b25dc7e6ca16659",
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
