"""What a partner may read among the evidence of published findings, as one Q.

The same rule as :func:`findings.selectors.evidence_visible_to`, in a form
that works inside a prefetch or a subquery over many findings at once.
"""

from django.db.models import Q

from ..choices import Moderation, Visibility


def partner_evidence_q(organisation_id: int | None) -> Q:
    """Accepted shared items, plus everything the partner's own organisation submitted."""
    visible = Q(moderation=Moderation.ACCEPTED, visibility=Visibility.SHARED)
    if organisation_id is not None:
        visible |= Q(organisation_id=organisation_id)
    return visible
