"""factory_boy factories for unit-test data (fixtures hold only reference data)."""

import datetime

import factory
from django.contrib.auth.models import Group

from accounts.models import Organisation, User
from findings.choices import FindingKind, ReportKind
from findings.models import AffectedGroup, Evidence, Finding, Institution, Report, Theme
from treaties.choices import BodyKind, ObligationKind, ParticipationStatus, TreatyKind
from treaties.models import MonitoringBody, Obligation, Participation, Provision, Treaty


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner NGO {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user; ``role="reviewer"`` puts them in that group (and staff for staff roles)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """``role="monitor"`` adds the group; staff get admin access, partners an organisation."""
        if not create or not extracted:
            return
        self.groups.add(Group.objects.get(name=extracted))
        if extracted == "partner":
            if self.organisation is None:
                self.organisation = OrganisationFactory()
        else:
            self.is_staff = True
        self.save()


class MonitoringBodyFactory(factory.django.DjangoModelFactory[MonitoringBody]):
    class Meta:
        model = MonitoringBody
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TB{n}")
    name = factory.LazyAttribute(lambda b: f"Committee {b.code}")
    kind = BodyKind.TREATY_BODY


class TreatyFactory(factory.django.DjangoModelFactory[Treaty]):
    class Meta:
        model = Treaty
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TREATY{n}")
    title = factory.LazyAttribute(lambda t: f"Convention {t.code}")
    kind = TreatyKind.CORE
    monitoring_body = factory.SubFactory(MonitoringBodyFactory)


class ParticipationFactory(factory.django.DjangoModelFactory[Participation]):
    class Meta:
        model = Participation

    treaty = factory.SubFactory(TreatyFactory)
    status = ParticipationStatus.PARTY
    consent_kind = "ratification"
    deposited_on = datetime.date(2006, 1, 24)


class ProvisionFactory(factory.django.DjangoModelFactory[Provision]):
    class Meta:
        model = Provision

    treaty = factory.SubFactory(TreatyFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Article"


class ObligationFactory(factory.django.DjangoModelFactory[Obligation]):
    class Meta:
        model = Obligation

    treaty = factory.SubFactory(TreatyFactory)
    kind = ObligationKind.REPORTING
    title = factory.Sequence(lambda n: f"Periodic report {n}")
    due_on = datetime.date(2027, 7, 1)


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


class AffectedGroupFactory(factory.django.DjangoModelFactory[AffectedGroup]):
    class Meta:
        model = AffectedGroup
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.LazyAttribute(lambda g: g.slug.title())


class InstitutionFactory(factory.django.DjangoModelFactory[Institution]):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ministry {n}")


class ReportFactory(factory.django.DjangoModelFactory[Report]):
    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"Concluding observations {n}")
    issuer = "Human Rights Committee"
    kind = ReportKind.TREATY_BODY
    # Not a real document symbol, so it never collides with the ones tests spell out.
    symbol = factory.Sequence(lambda n: f"TEST/KAZ/{n}")
    published_on = datetime.date(2025, 7, 1)
    language = "en"


class FindingFactory(factory.django.DjangoModelFactory[Finding]):
    """A finding; pass ``themes=[...]`` / ``treaties=[...]`` to link them."""

    class Meta:
        model = Finding
        skip_postgeneration_save = True

    report = factory.SubFactory(ReportFactory)
    reference = factory.Sequence(lambda n: f"para {n + 1}")
    kind = FindingKind.RECOMMENDATION
    title = factory.Sequence(lambda n: f"Finding {n}")
    summary = "A summary in our own words."
    due_on = datetime.date(2027, 1, 1)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def treaties(self, create, extracted, **kwargs):
        if create and extracted:
            self.treaties.set(extracted)

    @factory.post_generation
    def provisions(self, create, extracted, **kwargs):
        if create and extracted:
            self.provisions.set(extracted)


class EvidenceFactory(factory.django.DjangoModelFactory[Evidence]):
    class Meta:
        model = Evidence

    finding = factory.SubFactory(FindingFactory)
    kind = "evidence"
    author = factory.SubFactory(UserFactory, role="monitor")
    text = "Law No. 333-VI of 25 May 2020 changed the assembly regime."
    source = "https://adilet.zan.kz/eng/docs/Z2000000333"
