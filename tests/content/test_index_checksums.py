"""The framework indexes are cited in signed reports: an id or a title must not change by
accident. Each index's requirements (id, title, group), with its edition, hash to the value
below; a deliberate change updates the value in the same commit, with the reason in its
message (and the source checked, for a citation)."""

from __future__ import annotations

import hashlib
import json

import pytest

from audit.content.model import ContentSet, Framework

INDEX_SHA256 = {
    "dora": "702baee67010f7cfeae6afacd3fb93b12755b2d75bbae943b4b92437037bc17f",
    "eba-gl-2019-02": "8978a9a40eeca3476d056acb3e2e63e112cdbac2618170c5e59e027870fb2f61",
    "gdpr": "9ef3652755410af8ce9acf2bd8c8cc49344ae005446995bf4dea53fdfd420666",
    "hipaa": "04989fb82753a2540fc015d7c03842d5e81aaa88b795372ad3031550d58f31a7",
    "iso22301-2019": "dbb9a7fafc5c3b8e6762eb529b6fcd9e71eccd9e909cae8bead2e94b2c8ddc49",
    "iso27001-2022": "b35a9309ecbf99977ed6ab8b78f9349fc344e0ce0ddb97b7ac681ab493bc31cf",
    "nist-csf-2.0": "b43f3ee62692c88731edc0c2d55811b7d88a7d0cd00c2de49ece8fdb71f52f8f",
    "pci-dss-4.0.1": "1129a724f5b43b3f04ce6bc7a0caafd8209c1607c836ccd16d9e51b7723a31d7",
    "soc2-tsc-2017": "88eca82bc91e9872656d3c105d9d37d9a4d94ffbc8159e88bf071e7cbb9af299",
}


def index_digest(framework: Framework) -> str:
    rows = [[r.id, r.title, r.group] for r in framework.requirements]
    text = json.dumps([framework.edition, rows], ensure_ascii=False, separators=(",", ":"))
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
