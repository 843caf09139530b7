"""Every write to a finding's status, reviewer, publication and evidence moderation.

Admin actions, API views, commands and tasks call these functions and nothing
else writes ``Finding.status`` or ``Finding.reviewer``. Each function:

* takes keyword arguments only and an ``actor`` (the user acting);
* runs in one database transaction and, when it raises, has written nothing;
* raises a :class:`findings.exceptions.WorkflowError` subclass naming the rule
  that failed (or Django's ``ValidationError`` for invalid field values);
* guards the finding with a compare-and-swap on ``version``: of two people
  acting on the same finding at once, one wins and the other gets
  :class:`StaleVersion`;
* records who changed what: a :class:`FindingEvent` per status change, an
  :class:`Assignment` per reviewer change, and a django-simple-history record
  (with the actor) per change of the finding's fields.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role

from .choices import (
    ASSESSED_STATUSES,
    OPEN_STATUSES,
    AssignmentMethod,
    EvidenceKind,
    Moderation,
    Status,
    Visibility,
)
from .exceptions import ConditionFailed, MissingInput, NotPermitted, StaleVersion
from .models import Assignment, Evidence, Finding, FindingEvent
from .workflow import check_transition

__all__ = [
    "evidence_create",
    "evidence_moderate",
    "finding_assign_reviewer",
    "finding_auto_assign",
    "finding_transition",
    "finding_update",
    "findings_auto_assign_unassigned",
    "findings_set_published",
]

#: Fields set only by the workflow services, never by ``finding_update``.
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "status_changed_at",
        "proposed_assessment",
        "submitted_for_review_by",
        "submitted_for_review_at",
        "reviewer",
        "version",
        "created_at",
        "updated_at",
    }
)


def _stale() -> StaleVersion:
    return StaleVersion(
        gettext("Someone else changed this finding in the meantime; reload it and try again.")
    )


def _require_perm(actor: Any, perm: str, message: str) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(perm):
        raise NotPermitted(message, rule="permission")


def _record_history(findings: list[Finding], actor: Any, now: datetime.datetime, reason: str):
    """Write one django-simple-history "changed" record per finding, by ``actor``.

    Used after queryset ``update()`` calls, which bypass the signals that
    simple-history listens to. The instances must hold the new values.
    """
    for finding in findings:
        finding._history_user = actor
    Finding.history.bulk_history_create(
        findings, update=True, default_user=actor, default_date=now, default_change_reason=reason
    )


# --- Status transitions ---------------------------------------------------------------


@transaction.atomic
def finding_transition(
    *,
    finding: Finding,
    to_status: str,
    actor: User,
    note: str = "",
    proposed_assessment: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> FindingEvent:
    """Move ``finding`` to ``to_status`` as ``actor`` and return the event written.

    Checks the transition table (:func:`findings.workflow.check_transition`),
    then claims the finding with a conditional UPDATE on its status and
    version (``expected_version`` if given, else the instance's): if another
    change got there first, nothing is written and :class:`StaleVersion` is
    raised. On success exactly one :class:`FindingEvent` is written, a history
    record names the actor, and ``finding`` is refreshed from the database.
    Submitting for review records the submitter, the time and the proposed
    assessment. One transaction; sends nothing.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    proposed_assessment = proposed_assessment or ""
    if expected_version is not None and expected_version != finding.version:
        raise _stale()
    transition = check_transition(
        finding, to_status, actor, note=note, proposed_assessment=proposed_assessment
    )
    from_status = finding.status
    target = str(transition.target)
    changes: dict[str, Any] = {"status": target, "status_changed_at": now, "updated_at": now}
    event_assessment = ""
    if target == Status.AWAITING_REVIEW:
        changes.update(
            submitted_for_review_by=actor,
            submitted_for_review_at=now,
            proposed_assessment=proposed_assessment,
        )
        event_assessment = proposed_assessment
    elif target in ASSESSED_STATUSES:
        event_assessment = finding.proposed_assessment

    claimed = Finding.objects.filter(
        pk=finding.pk, status=from_status, version=finding.version
    ).update(version=F("version") + 1, **changes)
    if claimed != 1:
        raise _stale()

    finding.refresh_from_db()
    _record_history([finding], actor, now, f"status: {from_status} → {target}")
    return FindingEvent.objects.create(
        finding=finding,
        from_status=from_status,
        to_status=target,
        actor=actor,
        created_at=now,
        note=note,
        proposed_assessment=event_assessment,
    )


# --- Reviewer assignment --------------------------------------------------------------


def _is_reviewer(user: User) -> bool:
    return user.is_active and user.groups.filter(name=Role.REVIEWER).exists()


def _check_assigner(actor: Any, finding: Finding, expected_version: int | None) -> None:
    """The actor may assign reviewers, and works from the finding's current version."""
    _require_perm(
        actor,
        "findings.assign_reviewer",
        gettext("Only monitors and managers may assign reviewers."),
    )
    if expected_version is not None and expected_version != finding.version:
        raise _stale()


def _assign(
    *,
    finding: Finding,
    reviewer: User | None,
    actor: User,
    method: str,
    reason: str,
    expected_version: int | None,
    now: datetime.datetime | None,
) -> Assignment:
    now = now or timezone.now()
    _check_assigner(actor, finding, expected_version)
    if finding.status not in OPEN_STATUSES:
        raise ConditionFailed(
            gettext("Reviewers can be assigned only to open findings (this one is “%(status)s”).")
            % {"status": finding.get_status_display()},
            rule="finding_not_open",
        )
    previous_id = finding.reviewer_id
    if reviewer is None:
        if previous_id is None:
            raise ConditionFailed(
                gettext("The finding has no reviewer to remove."), rule="no_reviewer"
            )
        if finding.status == Status.AWAITING_REVIEW:
            raise ConditionFailed(
                gettext(
                    "A finding awaiting review must keep a reviewer; assign another reviewer "
                    "instead of removing this one."
                ),
                rule="review_pending",
            )
    else:
        if not _is_reviewer(reviewer):
            raise ConditionFailed(
                gettext("%(user)s is not an active member of the reviewer group.")
                % {"user": reviewer.get_username()},
                rule="not_a_reviewer",
            )
        if reviewer.pk == previous_id:
            raise ConditionFailed(
                gettext("%(user)s is already the reviewer of this finding.")
                % {"user": reviewer.get_username()},
                rule="already_assigned",
            )
        if (
            finding.status == Status.AWAITING_REVIEW
            and reviewer.pk == finding.submitted_for_review_by_id
        ):
            raise ConditionFailed(
                gettext(
                    "Two-person rule: the person who submitted the finding for review cannot "
                    "review it."
                ),
                rule="two_person_rule",
            )

    claimed = Finding.objects.filter(
        pk=finding.pk, version=finding.version, status=finding.status, reviewer=previous_id
    ).update(reviewer=reviewer, version=F("version") + 1, updated_at=now)
    if claimed != 1:
        raise _stale()
    finding.refresh_from_db()
    _record_history([finding], actor, now, "reviewer")
    return Assignment.objects.create(
        finding=finding,
        reviewer=reviewer,
        previous_reviewer_id=previous_id,
        assigned_by=actor,
        method=method,
        reason=(reason or "").strip(),
        created_at=now,
    )


@transaction.atomic
def finding_assign_reviewer(
    *,
    finding: Finding,
    reviewer: User | None,
    actor: User,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Assignment:
    """Make ``reviewer`` the finding's only reviewer (``None`` removes the reviewer).

    Needs ``findings.assign_reviewer``. The reviewer must be an active member
    of the reviewer group, and the finding open. If the finding is awaiting
    review, the pending review moves to the new reviewer (who may then decide
    it; the previous one no longer may), the reviewer cannot be removed, and
    the submitter cannot be made the reviewer. Writes one :class:`Assignment`
    and a history record; compare-and-swap on ``version``. One transaction.
    """
    return _assign(
        finding=finding,
        reviewer=reviewer,
        actor=actor,
        method=AssignmentMethod.MANUAL,
        reason=reason,
        expected_version=expected_version,
        now=now,
    )


class _ReviewerPool:
    """The reviewers with their open load, expertise and last assignment, loaded in
    three queries and kept up to date in memory as findings are handed out."""

    def __init__(self) -> None:
        reviewers = list(
            User.objects.filter(is_active=True, groups__name=Role.REVIEWER)
            .distinct()
            .annotate(
                open_load=models.Count(
                    "assigned_findings",
                    filter=Q(assigned_findings__status__in=OPEN_STATUSES),
                    distinct=True,
                ),
                last_assigned_at=Max("review_assignments__created_at"),
            )
            .order_by("pk")
        )
        through = User.expertise_themes.through
        expertise: dict[int, set[int]] = {r.pk: set() for r in reviewers}
        for user_id, theme_id in through.objects.filter(user__in=reviewers).values_list(
            "user_id", "theme_id"
        ):
            expertise[user_id].add(theme_id)
        self.reviewers = reviewers
        self.expertise = expertise
        self.load = {r.pk: r.open_load for r in reviewers}
        # (time, sequence): reviewers handed a finding in this run wait less than
        # everyone else, in the order they were handed one.
        self.last: dict[int, tuple[datetime.datetime, int] | None] = {
            r.pk: (r.last_assigned_at, 0) if r.last_assigned_at else None for r in reviewers
        }
        self._sequence = 0

    def pick(self, theme_ids: set[int]) -> User:
        if not self.reviewers:
            raise ConditionFailed(
                gettext("There is no active reviewer to assign."), rule="no_reviewers"
            )
        experts = [r for r in self.reviewers if self.expertise[r.pk] & theme_ids]
        return min(experts or self.reviewers, key=self._rank)

    def _rank(self, reviewer: User) -> tuple:
        last = self.last[reviewer.pk]
        # Fewest open findings first; then whoever waited longest (never assigned first).
        return (
            self.load[reviewer.pk],
            last is not None,
            last or (),
            reviewer.pk,
        )

    def handed(self, reviewer: User, now: datetime.datetime) -> None:
        self._sequence += 1
        self.load[reviewer.pk] += 1
        self.last[reviewer.pk] = (now, self._sequence)


@transaction.atomic
def finding_auto_assign(
    *,
    finding: Finding,
    actor: User,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Assignment:
    """Assign the best-placed reviewer to a finding that has none.

    Among active reviewers whose expertise themes overlap the finding's themes,
    pick the one with the fewest open assigned findings; ties go to whoever
    waited longest since their last assignment (never assigned first, then the
    oldest user). With no theme match, the least-loaded of all reviewers. Raises
    :class:`ConditionFailed` if the finding has a reviewer or there is no
    reviewer. Otherwise as :func:`finding_assign_reviewer`.
    """
    _check_assigner(actor, finding, expected_version)
    if finding.reviewer_id is not None:
        raise ConditionFailed(
            gettext("The finding already has a reviewer; assign another one by hand."),
            rule="already_assigned",
        )
    reviewer = _ReviewerPool().pick(set(finding.themes.values_list("pk", flat=True)))
    return _assign(
        finding=finding,
        reviewer=reviewer,
        actor=actor,
        method=AssignmentMethod.AUTOMATIC,
        reason=gettext("Automatic assignment"),
        expected_version=expected_version,
        now=now,
    )


@transaction.atomic
def findings_auto_assign_unassigned(
    *, actor: User, now: datetime.datetime | None = None
) -> list[Assignment]:
    """Auto-assign a reviewer to every triaged finding without one, oldest finding first.

    Uses the rule of :func:`finding_auto_assign`, counting each assignment
    towards the reviewer's load as it goes, so a batch is spread out. The
    findings are locked while they are assigned (a concurrent change waits and
    then fails with :class:`StaleVersion`). Runs a fixed number of queries
    however many findings there are. Returns the assignments written (none if
    nothing was unassigned). One transaction.
    """
    now = now or timezone.now()
    _require_perm(
        actor,
        "findings.assign_reviewer",
        gettext("Only monitors and managers may assign reviewers."),
    )
    findings = list(
        Finding.objects.select_for_update()
        .filter(status=Status.TRIAGED, reviewer__isnull=True)
        .order_by("created_at", "pk")
    )
    if not findings:
        return []
    themes: dict[int, set[int]] = {f.pk: set() for f in findings}
    for finding_id, theme_id in Finding.themes.through.objects.filter(
        finding__in=[f.pk for f in findings]
    ).values_list("finding_id", "theme_id"):
        themes[finding_id].add(theme_id)

    pool = _ReviewerPool()
    chosen: dict[int, User] = {}
    for finding in findings:
        reviewer = pool.pick(themes[finding.pk])
        pool.handed(reviewer, now)
        chosen[finding.pk] = reviewer

    Finding.objects.filter(pk__in=chosen).update(
        reviewer=Case(
            *(When(pk=pk, then=Value(reviewer.pk)) for pk, reviewer in chosen.items()),
            output_field=models.BigIntegerField(),
        ),
        version=F("version") + 1,
        updated_at=now,
    )
    for finding in findings:
        finding.reviewer = chosen[finding.pk]
        finding.version += 1
        finding.updated_at = now
    _record_history(findings, actor, now, "reviewer")
    reason = gettext("Automatic assignment")
    return Assignment.objects.bulk_create(
        Assignment(
            finding=finding,
            reviewer=chosen[finding.pk],
            previous_reviewer=None,
            assigned_by=actor,
            method=AssignmentMethod.AUTOMATIC,
            reason=reason,
            created_at=now,
        )
        for finding in findings
    )


# --- Editing and publishing -----------------------------------------------------------


def _editable_fields() -> dict[str, models.Field]:
    fields: dict[str, models.Field] = {}
    for f in Finding._meta.get_fields():
        if not getattr(f, "concrete", False) or f.auto_created:
            continue
        if f.name in WORKFLOW_FIELDS or not getattr(f, "editable", False):
            continue
        fields[f.name] = f
    return fields


@transaction.atomic
def finding_update(
    *, finding: Finding, actor: User, data: Mapping[str, Any], expected_version: int
) -> Finding:
    """Change a finding's own fields (including many-to-many links) as ``actor``.

    ``data`` maps field names to values (model instances or primary keys for
    links). Status, reviewer and the other workflow fields cannot be changed
    here (``ValidationError``); changing ``published`` needs
    ``findings.publish_finding``; anything else needs
    ``findings.change_finding``. The change applies only if the finding is
    still at ``expected_version`` (else :class:`StaleVersion`); it is
    validated with ``full_clean`` and recorded in the history with the actor.
    ``finding`` is refreshed and returned. One transaction.
    """
    _require_perm(actor, "findings.change_finding", gettext("You may not edit findings."))
    editable = _editable_fields()
    unknown = sorted(set(data) - set(editable))
    if unknown:
        raise ValidationError(
            {name: gettext("This field cannot be edited here.") for name in unknown}
        )
    if expected_version != finding.version:
        raise _stale()

    claimed = Finding.objects.filter(pk=finding.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if claimed != 1:
        raise _stale()
    # The row is ours until commit; edit the current state, not the caller's copy.
    current = Finding.objects.get(pk=finding.pk)
    if "published" in data and bool(data["published"]) != current.published:
        _require_perm(
            actor,
            "findings.publish_finding",
            gettext("Only monitors and managers may publish findings."),
        )
    m2m: dict[str, Any] = {}
    for name, value in data.items():
        field = editable[name]
        if field.many_to_many:
            m2m[name] = value
        elif field.is_relation and not isinstance(value, models.Model) and value is not None:
            setattr(current, field.attname, value)
        else:
            setattr(current, name, value)
    current.full_clean()
    current._history_user = actor
    current._change_reason = _link_changes(current, m2m) or None  # read by simple-history
    current.save()
    for name, value in m2m.items():
        getattr(current, name).set(value)
    finding.refresh_from_db()
    return finding


def _link_changes(finding: Finding, m2m: Mapping[str, Any]) -> str:
    """What setting ``m2m`` (field name to objects or ids) adds and removes, for the history.

    django-simple-history records a finding's own fields; its links would otherwise
    change without a trace. E.g. ``treaties: +CAT, -CCPR; themes: -Torture``.
    """
    parts = []
    for name, values in m2m.items():
        manager = getattr(finding, name)
        before = set(manager.values_list("pk", flat=True))
        after = {value.pk if isinstance(value, models.Model) else int(value) for value in values}
        added, removed = after - before, before - after
        if not added and not removed:
            continue
        labels = manager.model._default_manager.in_bulk(added | removed)
        changes = [f"+{labels.get(pk, pk)}" for pk in sorted(added)]
        changes += [f"-{labels.get(pk, pk)}" for pk in sorted(removed)]
        parts.append(f"{Finding._meta.get_field(name).verbose_name}: {', '.join(changes)}")
    return "; ".join(parts)


@transaction.atomic
def findings_set_published(
    *,
    findings: Iterable[Finding] | models.QuerySet,
    published: bool,
    actor: User,
    now: datetime.datetime | None = None,
) -> int:
    """Publish findings to partners (or withdraw them); return how many changed.

    Needs ``findings.publish_finding``. Findings already in the requested
    state are left alone. Each changed finding gets a new version and a
    history record by ``actor``. Idempotent; one transaction.
    """
    _require_perm(
        actor,
        "findings.publish_finding",
        gettext("Only monitors and managers may publish findings."),
    )
    if isinstance(findings, models.QuerySet):
        pks = findings.values("pk")
    else:
        pks = [f.pk for f in findings]
    now = now or timezone.now()
    changing = list(
        Finding.objects.select_for_update().filter(pk__in=pks).exclude(published=published)
    )
    if not changing:
        return 0
    Finding.objects.filter(pk__in=[f.pk for f in changing]).update(
        published=published, version=F("version") + 1, updated_at=now
    )
    for finding in changing:
        finding.published = published
        finding.version += 1
        finding.updated_at = now
    _record_history(changing, actor, now, "published" if published else "unpublished")
    return len(changing)


# --- Evidence ---------------------------------------------------------------------------

PARTNER_EVIDENCE_KINDS = (EvidenceKind.EVIDENCE, EvidenceKind.ASSESSMENT)


@transaction.atomic
def evidence_create(
    *,
    finding: Finding,
    author: User,
    kind: str,
    text: str,
    source: str = "",
    evidence_date: datetime.date | None = None,
    visibility: str = Visibility.INTERNAL,
    assessment: str = "",
) -> Evidence:
    """Attach a note, evidence item or assessment to a finding.

    Staff (``findings.add_evidence``) entries are accepted at once. A
    partner's submission is ``pending`` until staff moderate it, carries the
    partner's organisation, is shared with partners, may only be evidence or
    an assessment, and only on a published finding. An assessment needs an
    assessment value. Validated with ``full_clean``. Anything but an internal
    entry sets the finding's ``updated_at`` (not its version), for
    ``?updated_since=``. One transaction.
    """
    source = (source or "").strip()
    assessment = assessment or ""
    if kind == EvidenceKind.ASSESSMENT and not assessment:
        raise MissingInput(
            gettext("An assessment needs a value: implemented, partially or not implemented."),
            rule="assessment_required",
        )
    if kind != EvidenceKind.ASSESSMENT and assessment:
        raise ValidationError(
            {"assessment": gettext("Only an assessment carries an assessment value.")}
        )
    evidence = Evidence(
        finding=finding,
        author=author,
        kind=kind,
        text=text,
        source=source,
        evidence_date=evidence_date,
        visibility=visibility,
        assessment=assessment,
    )
    if author.is_active and author.is_partner:
        if kind not in PARTNER_EVIDENCE_KINDS:
            raise NotPermitted(
                gettext("Partners may submit evidence or an assessment, not internal notes."),
                rule="partner_kind",
            )
        if author.organisation_id is None:
            raise NotPermitted(
                gettext("Your account belongs to no partner organisation."),
                rule="partner_without_organisation",
            )
        if not finding.published:
            raise NotPermitted(
                gettext("Partners may comment only on published findings."),
                rule="finding_not_published",
            )
        evidence.organisation_id = author.organisation_id
        evidence.visibility = Visibility.SHARED
        evidence.moderation = Moderation.PENDING
    else:
        _require_perm(
            author, "findings.add_evidence", gettext("You may not add notes or evidence.")
        )
        evidence.moderation = Moderation.ACCEPTED
    evidence.full_clean()
    evidence.save()
    if evidence.visibility != Visibility.INTERNAL:
        # Partners syncing with ?updated_since= find the finding by its updated_at alone;
        # internal notes leave it alone so that they do not show up as changes to partners.
        _touch(finding.pk, evidence.created_at)
        finding.updated_at = evidence.created_at
    return evidence


def _touch(finding_id: int, now: datetime.datetime) -> None:
    """Mark a finding changed at ``now``, keeping its version (none of its fields changed)."""
    Finding.objects.filter(pk=finding_id).update(updated_at=now)


@transaction.atomic
def evidence_moderate(
    *,
    evidence: Evidence,
    actor: User,
    accept: bool,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Evidence:
    """Accept or reject a pending partner submission; a rejection needs a reason.

    Needs ``findings.moderate_evidence``. Only pending submissions can be
    moderated (:class:`ConditionFailed`); if someone else moderated it in the
    meantime, :class:`StaleVersion`. Records who moderated and when, and
    refreshes ``evidence``; the finding's ``updated_at`` becomes ``now`` (its
    version stays). One transaction.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    _require_perm(
        actor,
        "findings.moderate_evidence",
        gettext("Only monitors and managers may accept or reject partner submissions."),
    )
    if evidence.moderation != Moderation.PENDING:
        raise ConditionFailed(
            gettext("Only pending submissions can be accepted or rejected."), rule="not_pending"
        )
    if not accept and not reason:
        raise MissingInput(
            gettext("Give a reason for rejecting the submission."), rule="reason_required"
        )
    claimed = Evidence.objects.filter(pk=evidence.pk, moderation=Moderation.PENDING).update(
        moderation=Moderation.ACCEPTED if accept else Moderation.REJECTED,
        moderated_by=actor,
        moderated_at=now,
        moderation_reason=reason,
    )
    if claimed != 1:
        raise StaleVersion(
            gettext("Someone else moderated this submission in the meantime."),
        )
    evidence.refresh_from_db()
    _touch(evidence.finding_id, now)
    return evidence
