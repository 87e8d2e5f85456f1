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


def test_within_a_process_an_edit_of_the_same_size_is_seen(workspace: Workspace) -> None:
    """The process remembers the hash of unchanged files by their size and times; a file
    changed moments ago (its time may not have moved) is hashed again, never trusted."""
    import os

    first = workspace_content(workspace)
    path = workspace.checklists_dir / "security.yaml"
    old = path.stat()
    text = path.read_text()
    path.write_text(text.replace("title: Information security", "title: Information SECURITY", 1))
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # the same size and the same mtime
    changed = workspace_content(workspace)
    assert changed.checklist("security").title == "Information SECURITY"
    assert first.checklist("security").title == "Information security"


def test_unchanged_files_are_not_hashed_again_in_the_same_process(
    workspace: Workspace, monkeypatch
) -> None:
    import os
    import time

    for path in [*workspace.checklists_dir.rglob("*.yaml"), workspace.policy_path]:
        past = time.time_ns() - 10 * 1_000_000_000
        os.utime(path, ns=(past, past))
    monkeypatch.setattr(cache, "_RACY_NS", 0)  # ctime moved with utime: only for this test
    workspace_content(workspace)
    hashed = []
    original = cache.content_key
    monkeypatch.setattr(cache, "content_key", lambda *a: hashed.append(1) or original(*a))
    workspace_content(workspace)
    assert hashed == []
