"""The finding workflow: one table of allowed status changes and who may make them.

:data:`TRANSITIONS` is the only place that says which moves exist.
:func:`check_transition` and :func:`available_transitions` read it; the
service :func:`findings.services.finding_transition` calls
:func:`check_transition` before it writes anything. Superusers hold every
permission, so they follow the same table, and the two-person rule binds them
too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import ASSESSED_STATUSES, Assessment, EvidenceKind, Status
from .exceptions import ConditionFailed, MissingInput, NotPermitted, TransitionNotAllowed

if TYPE_CHECKING:
    from .models import Finding


@dataclass(frozen=True)
class Who:
    """Who may make a move.

    Anyone holding one of ``permissions`` may; a holder of
    ``assigned_reviewer_permission`` may only on a finding assigned to them.
    """

    label: Promise
    permissions: tuple[str, ...] = ()
    assigned_reviewer_permission: str | None = None

    def allows(self, finding: Finding, user: Any) -> bool:
        if user is None or not getattr(user, "is_active", False):
            return False
        if any(user.has_perm(perm) for perm in self.permissions):
            return True
        return (
            self.assigned_reviewer_permission is not None
            and finding.reviewer_id is not None
            and finding.reviewer_id == user.pk
            and user.has_perm(self.assigned_reviewer_permission)
        )


MONITOR_OR_MANAGER = Who(_("monitors and managers"), permissions=("findings.triage_finding",))
ASSIGNED_REVIEWER_OR_MANAGER = Who(
    _("the assigned reviewer or a manager"),
    permissions=("findings.manage_finding",),
    assigned_reviewer_permission="findings.review_finding",
)
MANAGER = Who(_("managers"), permissions=("findings.manage_finding",))


@dataclass(frozen=True)
class Condition:
    """Something the finding itself must satisfy before a move (checked against the database)."""

    rule: str
    message: Promise
    holds: Callable[[Finding], bool]


def _has_theme(finding: Finding) -> bool:
    return finding.themes.exists()


def _has_treaty_or_provision(finding: Finding) -> bool:
    return finding.treaties.exists() or finding.provisions.exists()


def _has_reviewer(finding: Finding) -> bool:
    return finding.reviewer_id is not None


def _has_sourced_evidence(finding: Finding) -> bool:
    return (
        finding.evidence.accepted().filter(kind=EvidenceKind.EVIDENCE).exclude(source="").exists()
    )


HAS_THEME = Condition("needs_theme", _("The finding needs at least one theme."), _has_theme)
HAS_TREATY_OR_PROVISION = Condition(
    "needs_treaty_or_provision",
    _("The finding needs at least one linked treaty or provision."),
    _has_treaty_or_provision,
)
HAS_REVIEWER = Condition(
    "needs_reviewer",
    _("Assign a reviewer before submitting the finding for review."),
    _has_reviewer,
)
HAS_SOURCED_EVIDENCE = Condition(
    "needs_sourced_evidence",
    _("The finding needs at least one accepted evidence item with a source."),
    _has_sourced_evidence,
)


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any status in ``source`` to ``target``.

    ``needs_note``: a note is always required. ``needs_assessment``: a
    proposed assessment is required. ``two_person_rule``: the person who
    submitted the finding for review may not make this move.
    ``note_unless_proposed``: a note is required when ``target`` differs from
    the proposed assessment.
    """

    source: frozenset[str]
    target: str
    label: Promise
    needs_note: bool = False
    needs_assessment: bool = False
    who: Who = MANAGER
    conditions: tuple[Condition, ...] = ()
    two_person_rule: bool = False
    note_unless_proposed: bool = False
    name: str = field(default="")

    def note_required_for(self, finding: Finding) -> bool:
        """Whether making this move on ``finding`` needs a note."""
        return self.needs_note or (
            self.note_unless_proposed and self.target != finding.proposed_assessment
        )


_ASSESSED = frozenset(ASSESSED_STATUSES)
_DECISION_LABELS = {
    Status.IMPLEMENTED: _("Confirm: implemented"),
    Status.PARTIALLY_IMPLEMENTED: _("Confirm: partially implemented"),
    Status.NOT_IMPLEMENTED: _("Confirm: not implemented"),
}

#: The one table of allowed moves.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="triage",
        source=frozenset({Status.NEW}),
        target=Status.TRIAGED,
        label=_("Triage"),
        who=MONITOR_OR_MANAGER,
        conditions=(HAS_THEME, HAS_TREATY_OR_PROVISION),
    ),
    Transition(
        name="start",
        source=frozenset({Status.TRIAGED}),
        target=Status.IN_PROGRESS,
        label=_("Start work"),
        who=MONITOR_OR_MANAGER,
    ),
    Transition(
        name="submit",
        source=frozenset({Status.TRIAGED, Status.IN_PROGRESS}),
        target=Status.AWAITING_REVIEW,
        label=_("Submit for review"),
        who=MONITOR_OR_MANAGER,
        needs_assessment=True,
        conditions=(HAS_REVIEWER, HAS_SOURCED_EVIDENCE),
    ),
    *(
        Transition(
            name=f"decide_{status}",
            source=frozenset({Status.AWAITING_REVIEW}),
            target=status,
            label=_DECISION_LABELS[status],
            who=ASSIGNED_REVIEWER_OR_MANAGER,
            two_person_rule=True,
            note_unless_proposed=True,
        )
        for status in ASSESSED_STATUSES
    ),
    Transition(
        name="send_back",
        source=frozenset({Status.AWAITING_REVIEW}),
        target=Status.IN_PROGRESS,
        label=_("Send back"),
        who=ASSIGNED_REVIEWER_OR_MANAGER,
        needs_note=True,
    ),
    Transition(
        name="reopen",
        source=_ASSESSED,
        target=Status.IN_PROGRESS,
        label=_("Reopen"),
        who=MONITOR_OR_MANAGER,
        needs_note=True,
    ),
    Transition(
        name="close",
        source=frozenset(Status.values) - {Status.CLOSED},
        target=Status.CLOSED,
        label=_("Close"),
        who=MANAGER,
        needs_note=True,
    ),
    Transition(
        name="reopen_closed",
        source=frozenset({Status.CLOSED}),
        target=Status.TRIAGED,
        label=_("Reopen closed finding"),
        who=MANAGER,
        needs_note=True,
    ),
)


def _index(transitions: tuple[Transition, ...]) -> dict[tuple[str, str], Transition]:
    index: dict[tuple[str, str], Transition] = {}
    for transition in transitions:
        for source in transition.source:
            key = (str(source), str(transition.target))
            if key in index:  # pragma: no cover - guards the table itself
                raise ValueError(f"Two transitions for {key}")
            index[key] = transition
    return index


_BY_PAIR = _index(TRANSITIONS)


def transition_for(source: str, target: str) -> Transition | None:
    """The table row for ``source -> target``, or ``None`` if that move does not exist."""
    return _BY_PAIR.get((str(source), str(target)))


def _label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return str(status)


def _breaks_two_person_rule(transition: Transition, finding: Finding, user: Any) -> bool:
    return (
        transition.two_person_rule
        and finding.submitted_for_review_by_id is not None
        and finding.submitted_for_review_by_id == getattr(user, "pk", None)
    )


def available_transitions(finding: Finding, user: Any) -> list[Transition]:
    """The moves ``user`` may make on ``finding`` now, by the table and who may make them.

    The two-person rule is applied; conditions on the finding (themes,
    reviewer, evidence) and inputs (note, assessment) are checked only when
    the move is attempted, so a move listed here can still fail with
    :class:`ConditionFailed` or :class:`MissingInput`. Runs no query beyond
    the user's permission cache.
    """
    return [
        transition
        for transition in TRANSITIONS
        if finding.status in transition.source
        and transition.who.allows(finding, user)
        and not _breaks_two_person_rule(transition, finding, user)
    ]


def check_transition(
    finding: Finding,
    target: str,
    user: Any,
    *,
    note: str = "",
    proposed_assessment: str = "",
) -> Transition:
    """Return the table row for moving ``finding`` to ``target``, or raise why not.

    Checks, in this order: the move is in the table
    (:class:`TransitionNotAllowed`); the user may make it, including the
    two-person rule (:class:`NotPermitted`); the note and proposed assessment
    (:class:`MissingInput`); the finding's conditions (:class:`ConditionFailed`).
    Writes nothing.
    """
    source = finding.status
    transition = transition_for(source, target)
    if transition is None:
        raise TransitionNotAllowed(
            gettext("A finding cannot move from “%(source)s” to “%(target)s”.")
            % {"source": _label(source), "target": _label(target)}
        )
    if not transition.who.allows(finding, user):
        raise NotPermitted(
            gettext("Only %(who)s may move a finding from “%(source)s” to “%(target)s”.")
            % {"who": transition.who.label, "source": _label(source), "target": _label(target)},
            rule="permission",
        )
    if _breaks_two_person_rule(transition, finding, user):
        raise NotPermitted(
            gettext(
                "Two-person rule: the person who submitted a finding for review cannot decide "
                "the review."
            ),
            rule="two_person_rule",
        )
    has_note = bool(note and note.strip())
    if transition.needs_note and not has_note:
        raise MissingInput(
            gettext("A note is required to move a finding from “%(source)s” to “%(target)s”.")
            % {"source": _label(source), "target": _label(target)},
            rule="note_required",
        )
    if transition.note_unless_proposed and not has_note and target != finding.proposed_assessment:
        raise MissingInput(
            gettext(
                "The decision “%(target)s” differs from the proposed assessment “%(proposed)s”; "
                "add a note explaining why."
            )
            % {"target": _label(target), "proposed": _label(finding.proposed_assessment)},
            rule="note_required_when_differing",
        )
    if transition.needs_assessment and proposed_assessment not in Assessment.values:
        raise MissingInput(
            gettext(
                "Give a proposed assessment (implemented, partially implemented or not "
                "implemented) when submitting for review."
            ),
            rule="proposed_assessment_required",
        )
    for condition in transition.conditions:
        if not condition.holds(finding):
            raise ConditionFailed(str(condition.message), rule=condition.rule)
    return transition
