"""Which requirements of a framework our controls cover, and which none does (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from audit.content.model import ContentSet, Framework, Requirement


@dataclass(frozen=True, slots=True)
class RequirementCoverage:
    requirement: Requirement
    controls: tuple[str, ...]

    @property
    def covered(self) -> bool:
        """A control tests it, and it is something the vendor can meet."""
        return bool(self.controls) and not self.requirement.institution_duty

    @property
    def supported(self) -> bool:
        """Our own duty (EBA para. 100's monitoring, say) that vendor answers feed but cannot
        discharge: shown as supported, never counted as covered."""
        return bool(self.controls) and self.requirement.institution_duty


@dataclass(frozen=True, slots=True)
class Coverage:
    framework: Framework
    rows: tuple[RequirementCoverage, ...]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def supported(self) -> int:
        return sum(1 for row in self.rows if row.supported)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def uncovered(self) -> tuple[Requirement, ...]:
        return tuple(row.requirement for row in self.rows if not row.controls)


def coverage(content: ContentSet, framework: Framework) -> Coverage:
    """Each requirement of `framework` in index order, with the controls that reference it."""
    covering: dict[str, list[str]] = {}
    for checklist in content.checklists:
        for control in checklist.controls:
            for requirement_id in control.references.get(framework.id, ()):
                covering.setdefault(requirement_id, []).append(control.id)
    rows = tuple(
        RequirementCoverage(r, tuple(covering.get(r.id, ()))) for r in framework.requirements
    )
    return Coverage(framework, rows)
