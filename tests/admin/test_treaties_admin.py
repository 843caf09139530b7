"""Treaties with Kazakhstan's participation, and obligations with the nearest due date first."""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests.admin.conftest import TODAY
from tests.factories import FindingFactory, ObligationFactory, ParticipationFactory, TreatyFactory


def test_treaties_show_kazakhstans_participation_and_link_to_their_findings(monitor_client, treaty):
    ParticipationFactory(treaty=treaty, deposited_on=datetime.date(2006, 1, 24))
    TreatyFactory(code="ICRMW")  # no participation row yet
    FindingFactory(treaties=[treaty])
    FindingFactory(treaties=[treaty])
    response = monitor_client.get(reverse("admin:treaties_treaty_changelist"))
    html = response.content.decode()
    assert "Party" in html
    assert "2006-01-24" in html or "Jan. 24, 2006" in html
    link = f"{reverse('admin:findings_finding_changelist')}?treaty={treaty.pk}"
    assert f'<a href="{link}">2</a>' in html

    findings = monitor_client.get(link)
    assert findings.context["cl"].result_count == 2


def test_the_treaty_page_has_the_participation_inline(manager_client, treaty):
    ParticipationFactory(treaty=treaty)
    response = manager_client.get(reverse("admin:treaties_treaty_change", args=[treaty.pk]))
    assert "Kazakhstan" in response.content.decode()
    assert any(
        f.opts.__class__.__name__ == "ParticipationInline"
        for f in response.context["inline_admin_formsets"]
    )


def test_obligations_list_the_open_ones_first_the_nearest_due_date_first(monitor_client, treaty):
    later = ObligationFactory(
        treaty=treaty, title="Later", due_on=TODAY + datetime.timedelta(days=300)
    )
    sooner = ObligationFactory(
        treaty=treaty, title="Sooner", due_on=TODAY + datetime.timedelta(days=10)
    )
    late = ObligationFactory(
        treaty=treaty, title="Late", due_on=TODAY - datetime.timedelta(days=10)
    )
    done = ObligationFactory(
        treaty=treaty, title="Done", due_on=TODAY - datetime.timedelta(days=400), completed_on=TODAY
    )
    response = monitor_client.get(reverse("admin:treaties_obligation_changelist"))
    assert list(response.context["cl"].result_list) == [late, sooner, later, done]


def test_the_overdue_obligations_filter(monitor_client, treaty):
    ObligationFactory(treaty=treaty, title="Late", due_on=TODAY - datetime.timedelta(days=1))
    ObligationFactory(treaty=treaty, title="Fine", due_on=TODAY + datetime.timedelta(days=1))
    response = monitor_client.get(reverse("admin:treaties_obligation_changelist") + "?due=overdue")
    assert [o.title for o in response.context["cl"].result_list] == ["Late"]


def test_reports_and_themes_link_to_their_findings(monitor_client, report, theme):
    FindingFactory(report=report, themes=[theme])
    changelist = reverse("admin:findings_finding_changelist")
    reports = monitor_client.get(reverse("admin:findings_report_changelist")).content.decode()
    assert f'<a href="{changelist}?report={report.pk}">1</a>' in reports
    themes = monitor_client.get(reverse("admin:findings_theme_changelist")).content.decode()
    assert f'<a href="{changelist}?theme={theme.pk}">1</a>' in themes
