"""Build findings in any workflow status through the real services (not by setting fields)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from findings import services
from findings.choices import Assessment, Status
from findings.models import Finding
from tests.factories import EvidenceFactory, FindingFactory, ThemeFactory, TreatyFactory

NOTE = "Explained in the meeting of 3 March."


@dataclass
class Cast:
    """The people acting on a finding: the monitor submits, the reviewer decides."""

    monitor: User
    reviewer: User
    manager: User


def triageable_finding(**kwargs) -> Finding:
    """A new finding with a theme and a treaty, so it can be triaged."""
    kwargs.setdefault("themes", [ThemeFactory()])
    kwargs.setdefault("treaties", [TreatyFactory()])
    return FindingFactory(**kwargs)


def submit_for_review(
    finding: Finding, cast: Cast, proposed: str = Assessment.IMPLEMENTED
) -> Finding:
    """Assign the cast's reviewer, add sourced evidence and submit as the monitor."""
    if finding.reviewer_id is None:
        services.finding_assign_reviewer(
            finding=finding, reviewer=cast.reviewer, actor=cast.monitor
        )
    EvidenceFactory(finding=finding, author=cast.monitor)
    services.finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=cast.monitor,
        proposed_assessment=proposed,
    )
    return finding


def finding_in(status: str, cast: Cast, **kwargs) -> Finding:
    """A finding brought to ``status`` along the usual path, by the right people."""
    finding = triageable_finding(**kwargs)
    if status == Status.NEW:
        return finding
    if status == Status.CLOSED:
        services.finding_transition(
            finding=finding, to_status=Status.CLOSED, actor=cast.manager, note=NOTE
        )
        return finding
    services.finding_transition(finding=finding, to_status=Status.TRIAGED, actor=cast.monitor)
    if status == Status.TRIAGED:
        return finding
    services.finding_transition(finding=finding, to_status=Status.IN_PROGRESS, actor=cast.monitor)
    if status == Status.IN_PROGRESS:
        return finding
    submit_for_review(finding, cast, proposed=Assessment.IMPLEMENTED)
    if status == Status.AWAITING_REVIEW:
        return finding
    services.finding_transition(
        finding=finding,
        to_status=status,
        actor=cast.reviewer,
        note="" if status == Assessment.IMPLEMENTED else NOTE,
    )
    return finding
