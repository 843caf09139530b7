"""Admin of the findings app: findings, reports, vocabularies, evidence, the audit lists.

Registration happens on import of the submodules; the dashboard data used by
the admin index lives in :mod:`findings.admin.dashboard`.
"""

from . import evidence, finding, reference  # noqa: F401  (registers the admins)
