"""Errors raised by the finding workflow and its services.

Every error names the rule that failed (``rule``, a stable code for API
clients and tests) and carries a translated ``message`` for people;
``str(exc) == exc.message``. ``http_status`` is the status the API answers
with. When a service raises one of these it has written nothing.
"""

from __future__ import annotations

from django.utils.functional import Promise


class WorkflowError(Exception):
    """Base class: an action on a finding was refused."""

    http_status: int = 409
    default_rule: str = "workflow"

    def __init__(self, message: str | Promise, *, rule: str | None = None) -> None:
        self.message = str(message)
        self.rule = rule or self.default_rule
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rule={self.rule!r}, message={self.message!r})"


class NotPermitted(WorkflowError):
    """The actor may not do this (missing permission, not the assigned reviewer,
    or the two-person rule)."""

    http_status = 403
    default_rule = "permission"


class MissingInput(WorkflowError):
    """Something the action needs was not given: a note, a proposed assessment, a reason."""

    http_status = 400
    default_rule = "missing_input"


class TransitionNotAllowed(WorkflowError):
    """The move from the finding's status to the target is not in the transition table."""

    http_status = 409
    default_rule = "transition_not_in_table"


class ConditionFailed(WorkflowError):
    """The move is allowed in principle but the finding does not meet a condition
    (no reviewer, no evidence with a source, ...)."""

    http_status = 409
    default_rule = "condition"


class StaleVersion(WorkflowError):
    """Someone else changed the finding first; reload and try again."""

    http_status = 409
    default_rule = "stale_version"


class AppendOnly(NotPermitted):
    """An attempt to edit or delete an audit record (status change or reviewer assignment)."""

    default_rule = "append_only"
