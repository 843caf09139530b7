"""Who may call what: every endpoint and method for every role.

Anonymous callers get 401, signed-in users without a role 403 everywhere,
partners 403 on staff endpoints, and the roles' permissions decide the rest
(the workflow services have the last word, e.g. a reviewer cannot triage).
"""

from dataclasses import dataclass

import pytest

from accounts.models import UserAPIKey
from accounts.roles import Role
from findings.choices import Moderation
from findings.models import Evidence
from tests.api.conftest import client_for
from tests.factories import (
    EvidenceFactory,
    FindingFactory,
    MonitoringBodyFactory,
    ObligationFactory,
    ParticipationFactory,
    ProvisionFactory,
    ThemeFactory,
    TreatyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "partner", "monitor", "reviewer", "manager"]


@dataclass
class World:
    body: object
    treaty: object
    provision: object
    obligation: object
    theme: object
    report: object
    finding: object
    submission: object
    users: dict


@pytest.fixture
def world(partner, monitor, reviewer, manager):
    treaty = TreatyFactory(monitoring_body=MonitoringBodyFactory())
    ParticipationFactory(treaty=treaty)
    theme = ThemeFactory()
    finding = FindingFactory(published=True, themes=[theme], treaties=[treaty])
    submission = EvidenceFactory(
        finding=finding,
        author=partner,
        organisation=partner.organisation,
        moderation=Moderation.PENDING,
        visibility="shared",
    )
    return World(
        body=treaty.monitoring_body,
        treaty=treaty,
        provision=ProvisionFactory(treaty=treaty),
        obligation=ObligationFactory(treaty=treaty),
        theme=theme,
        report=finding.report,
        finding=finding,
        submission=submission,
        users={
            "anonymous": None,
            "no_role": UserFactory(username="nobody"),
            "partner": partner,
            "monitor": monitor,
            "reviewer": reviewer,
            "manager": manager,
        },
    )


READ_ALL = {
    "anonymous": 401,
    "no_role": 403,
    "partner": 200,
    "monitor": 200,
    "reviewer": 200,
    "manager": 200,
}
STAFF_READ = {**READ_ALL, "partner": 403}
NOT_ALLOWED = {**READ_ALL, "partner": 405, "monitor": 405, "reviewer": 405, "manager": 405}

# (method, path template, body, expected status per role)
ENDPOINTS = [
    ("get", "/api/v1/monitoring-bodies/", None, READ_ALL),
    ("get", "/api/v1/monitoring-bodies/{body}/", None, READ_ALL),
    ("get", "/api/v1/treaties/", None, READ_ALL),
    ("get", "/api/v1/treaties/{treaty}/", None, READ_ALL),
    ("get", "/api/v1/provisions/", None, READ_ALL),
    ("get", "/api/v1/provisions/{provision}/", None, READ_ALL),
    ("get", "/api/v1/obligations/", None, READ_ALL),
    ("get", "/api/v1/obligations/{obligation}/", None, READ_ALL),
    ("get", "/api/v1/themes/", None, READ_ALL),
    ("get", "/api/v1/themes/{theme}/", None, READ_ALL),
    ("get", "/api/v1/reports/", None, READ_ALL),
    ("get", "/api/v1/reports/{report}/", None, READ_ALL),
    ("get", "/api/v1/findings/", None, READ_ALL),
    ("get", "/api/v1/findings/{finding}/", None, READ_ALL),
    ("get", "/api/v1/findings/export/", None, READ_ALL),
    ("get", "/api/v1/findings/{finding}/transitions/", None, STAFF_READ),
    ("get", "/api/v1/submissions/", None, READ_ALL),
    ("get", "/api/v1/submissions/{submission}/", None, READ_ALL),
    ("get", "/api/v1/summary/", None, READ_ALL),
    ("get", "/api/v1/me/", None, READ_ALL),
    (
        "post",
        "/api/v1/findings/{finding}/transition/",
        {"to_status": "triaged", "version": 1},
        {**STAFF_READ, "reviewer": 403},  # triage is for monitors and managers
    ),
    (
        "post",
        "/api/v1/findings/{finding}/assign/",
        {"reviewer": "{reviewer_id}", "version": 1},
        {**STAFF_READ, "reviewer": 403},  # reviewers cannot assign reviewers
    ),
    (
        "post",
        "/api/v1/findings/{finding}/evidence/",
        {"kind": "evidence", "text": "Decree No. 12", "source": "https://adilet.zan.kz/"},
        {**READ_ALL, "partner": 201, "monitor": 201, "reviewer": 201, "manager": 201},
    ),
    (
        "post",
        "/api/v1/submissions/{submission}/moderate/",
        {"accept": True},
        {**STAFF_READ, "reviewer": 403},  # moderation is for monitors and managers
    ),
    # Read-only resources refuse writes.
    ("post", "/api/v1/findings/", {"title": "x"}, NOT_ALLOWED),
    ("put", "/api/v1/findings/{finding}/", {"title": "x"}, NOT_ALLOWED),
    ("patch", "/api/v1/findings/{finding}/", {"title": "x"}, NOT_ALLOWED),
    ("delete", "/api/v1/findings/{finding}/", None, NOT_ALLOWED),
    ("post", "/api/v1/treaties/", {"code": "X"}, NOT_ALLOWED),
    ("delete", "/api/v1/treaties/{treaty}/", None, NOT_ALLOWED),
    ("post", "/api/v1/submissions/", {"text": "x"}, NOT_ALLOWED),
    ("delete", "/api/v1/submissions/{submission}/", None, NOT_ALLOWED),
    ("post", "/api/v1/summary/", {}, NOT_ALLOWED),
    (
        "get",
        "/api/v1/findings/{finding}/transition/",
        None,
        {**STAFF_READ, **dict.fromkeys(("monitor", "reviewer", "manager"), 405)},
    ),
]


def _fill(template, world: World):
    ids = {
        "body": world.body.pk,
        "treaty": world.treaty.pk,
        "provision": world.provision.pk,
        "obligation": world.obligation.pk,
        "theme": world.theme.pk,
        "report": world.report.pk,
        "finding": world.finding.pk,
        "submission": world.submission.pk,
        "reviewer_id": world.users["reviewer"].pk,
    }
    if isinstance(template, str):
        if template == "{reviewer_id}":
            return ids["reviewer_id"]
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: _fill(value, world) for key, value in template.items()}
    return template


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    ENDPOINTS,
    ids=[f"{method.upper()} {path}" for method, path, _body, _expected in ENDPOINTS],
)
def test_each_role_gets_the_answer_its_permissions_allow(world, role, method, path, body, expected):
    client = client_for(world.users[role])
    response = getattr(client, method)(_fill(path, world), _fill(body, world), format="json")
    assert response.status_code == expected[role], response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "rule", "fields"}


def test_the_role_names_cover_every_role():
    assert set(ROLES) - {"anonymous", "no_role"} == set(Role.values)


@pytest.mark.parametrize("role", ["partner", "monitor"])
def test_a_disabled_users_key_stops_working(world, role):
    user = world.users[role]
    client = client_for(user)
    user.is_active = False
    user.save()
    response = client.get("/api/v1/findings/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_revoked_key_answers_401(world):
    client = client_for(world.users["partner"])
    UserAPIKey.objects.filter(user=world.users["partner"]).update(revoked=True)
    response = client.get("/api/v1/findings/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_partner_cannot_moderate_even_its_own_submission(world):
    response = client_for(world.users["partner"]).post(
        f"/api/v1/submissions/{world.submission.pk}/moderate/", {"accept": True}, format="json"
    )
    assert response.status_code == 403
    assert Evidence.objects.get(pk=world.submission.pk).moderation == Moderation.PENDING


def test_a_session_works_as_well_as_a_key(client, world):
    client.force_login(world.users["monitor"])
    assert client.get("/api/v1/findings/").status_code == 200
