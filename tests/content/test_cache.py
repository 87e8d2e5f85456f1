"""The validated content is cached between commands, keyed by what decides it."""

from __future__ import annotations

from audit.content import cache
from audit.services import workspace_content
from audit.workspace import Workspace


def _entries(workspace: Workspace) -> list:
    return sorted((workspace.state_dir / "cache").glob("content-*.pickle"))


def test_a_second_command_reads_the_cache_and_a_change_invalidates_it(
    workspace: Workspace, monkeypatch
) -> None:
    cache._memory.clear()  # identical content read by an earlier test is shared in memory
    first = workspace_content(workspace)
    (entry,) = _entries(workspace)
    cache._memory.clear()  # a new process
    calls = []
    original = cache.cached_content

    def counting(folder, files, root, load):  # noqa: ANN001, ANN202
        def counted():  # noqa: ANN202
            calls.append(1)
            return load()

        return original(folder, files, root, counted)

    monkeypatch.setattr("audit.services.content.cached_content", counting)
    again = workspace_content(workspace)
    assert again == first and calls == []  # read from the entry, not validated again
    path = workspace.checklists_dir / "security.yaml"
    path.write_text(path.read_text().replace("title: Information security", "title: Security", 1))
    cache._memory.clear()
    changed = workspace_content(workspace)
    assert calls == [1] and changed.checklist("security").title == "Security"
    assert _entries(workspace) != [entry] and len(_entries(workspace)) == 1  # the old one is gone


def test_a_damaged_entry_means_a_fresh_load(workspace: Workspace) -> None:
    cache._memory.clear()
    first = workspace_content(workspace)
    (entry,) = _entries(workspace)
    entry.write_bytes(b"not a pickle")
    cache._memory.clear()
    assert workspace_content(workspace) == first
