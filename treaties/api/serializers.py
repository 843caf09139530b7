"""Serializers for the treaty reference data (all read-only)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import DATED_OBLIGATION_KINDS
from ..models import MonitoringBody, Obligation, Participation, Provision, Treaty


class MonitoringBodySerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringBody
        fields = ["id", "code", "name", "kind", "url"]


class MonitoringBodyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringBody
        fields = ["id", "code", "name"]


class ParticipationSerializer(serializers.ModelSerializer):
    """Kazakhstan's participation: UN deposit date and the domestic act, which differ."""

    class Meta:
        model = Participation
        fields = [
            "status",
            "signed_on",
            "consent_kind",
            "deposited_on",
            "domestic_act",
            "domestic_act_date",
            "in_force_on",
            "reservations",
            "individual_complaints",
            "source",
            "verified",
            "verification_note",
        ]


class TreatyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Treaty
        fields = ["id", "code", "title"]


class TreatySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("Code of the parent treaty of a protocol."),
    )
    monitoring_body = MonitoringBodyBriefSerializer(read_only=True, allow_null=True)
    participation = ParticipationSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Kazakhstan's participation; null if not recorded."),
    )

    class Meta:
        model = Treaty
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "parent",
            "adopted_on",
            "monitoring_body",
            "participation",
        ]


class ProvisionBriefSerializer(serializers.ModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "treaty", "number", "title"]


class ProvisionSerializer(serializers.ModelSerializer):
    treaty = TreatyBriefSerializer(read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "treaty", "number", "title", "position"]


class ObligationBriefSerializer(serializers.ModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Obligation
        fields = ["id", "treaty", "kind", "title", "due_on", "completed_on"]


class ObligationSerializer(serializers.ModelSerializer):
    treaty = TreatyBriefSerializer(read_only=True)
    provisions = ProvisionBriefSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("A dated obligation, not completed, due before today (Almaty time).")
    )

    class Meta:
        model = Obligation
        fields = [
            "id",
            "treaty",
            "kind",
            "title",
            "description",
            "provisions",
            "reference",
            "last_reviewed_on",
            "due_on",
            "periodicity_months",
            "completed_on",
            "overdue",
            "source",
            "verified",
            "updated_at",
        ]

    def get_overdue(self, obligation: Obligation) -> bool:
        today = self.context["today"]
        return (
            obligation.kind in DATED_OBLIGATION_KINDS
            and obligation.completed_on is None
            and obligation.due_on is not None
            and obligation.due_on < today
        )
