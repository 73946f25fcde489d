from decimal import Decimal

from rest_framework import serializers

from bureaus.api.base import ScopedRelatedField
from bureaus.models import Department
from complaints.models import Complaint
from inspections.models import (
    Campaign,
    CampaignShare,
    Draw,
    Finding,
    FindingPhoto,
    Inspection,
    RectificationNotice,
)
from institutions.models import Institution


class CampaignSerializer(serializers.ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    phases = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "bureau",
            "bureau_name",
            "name",
            "kind",
            "template",
            "template_version",
            "starts_on",
            "ends_on",
            "report_days",
            "phases",
            "items",
        ]
        read_only_fields = fields

    def get_phases(self, obj) -> list[dict]:
        return [
            {"name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on}
            for p in obj.phases.all()
        ]

    def get_items(self, obj) -> list[dict]:
        return [{"id": i.pk, "area": i.area, "text": i.text} for i in obj.items.all()]


class CampaignShareSerializer(serializers.ModelSerializer):
    campaign = CampaignSerializer(read_only=True)
    district = serializers.CharField(source="bureau.name", read_only=True)

    class Meta:
        model = CampaignShare
        fields = ["id", "bureau", "district", "campaign"]
        read_only_fields = fields


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = FindingPhoto
        fields = ["id", "sha256", "captured_at", "uploaded_at", "content_type", "size"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="item.area", read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "item", "area", "result", "note", "answered_at", "photos"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    acknowledged_by = serializers.SerializerMethodField()

    def get_acknowledged_by(self, obj) -> list[int]:
        """The inspectors of the team who acknowledged the record."""
        return [a.inspector_id for a in obj.acknowledgements.all()]

    class Meta:
        model = Inspection
        fields = [
            "id",
            "bureau",
            "share",
            "institution",
            "institution_name",
            "complaint",
            "departments",
            "inspectors",
            "planned_on",
            "unannounced",
            "started_at",
            "ended_at",
            "personnel_times",
            "vehicle_trips",
            "status",
            "outcome",
            "summary",
            "representative_name",
            "representative_role",
            "representative_refused",
            "representative_acknowledged_at",
            "acknowledged_by",
            "findings",
        ]
        read_only_fields = fields


class RepresentativeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    refused = serializers.BooleanField(required=False, default=False)


class SanctionSerializer(serializers.Serializer):
    sanction = serializers.ChoiceField(
        choices=[c for c in RectificationNotice.Sanction.choices if c[0]]
    )
    reason = serializers.CharField()
    students_placed = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    refund_students = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    refunded_fen = serializers.IntegerField(min_value=0, max_value=10**13, default=0)


class InspectionPlanSerializer(serializers.Serializer):
    share = ScopedRelatedField(queryset=CampaignShare.objects.all())
    institution = ScopedRelatedField(queryset=Institution.objects.all())
    complaint = ScopedRelatedField(
        queryset=Complaint.objects.all(), required=False, allow_null=True
    )
    departments = ScopedRelatedField(queryset=Department.objects.all(), many=True, required=False)
    inspectors = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    planned_on = serializers.DateField()
    unannounced = serializers.BooleanField(required=False, default=False)


class EmptySerializer(serializers.Serializer):
    pass


class ConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Inspection.Outcome.choices)
    personnel_times = serializers.IntegerField(min_value=0)
    vehicle_trips = serializers.IntegerField(min_value=0)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    """One answer, keyed by the checklist item: sending it again changes nothing."""

    item = serializers.IntegerField()
    result = serializers.ChoiceField(choices=Finding.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photo = serializers.FileField(required=False)
    captured_at = serializers.DateTimeField(required=False)


class NoticeIssueSerializer(serializers.Serializer):
    findings = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    requirements = serializers.CharField()
    working_days = serializers.IntegerField()


class RectificationNoticeSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="inspection.institution.name", read_only=True)

    class Meta:
        model = RectificationNotice
        fields = [
            "id",
            "bureau",
            "number",
            "inspection",
            "institution_name",
            "findings",
            "status",
            "requirements",
            "working_days",
            "due_on",
            "overdue_since",
            "issued_at",
            "reissue_count",
            "evidence",
            "evidence_at",
            "review_note",
            "verified_at",
            "escalated_at",
            "city_escalated_at",
            "document",
            "sanction",
            "sanction_reason",
            "sanctioned_at",
            "students_placed",
            "refund_students",
            "refunded_fen",
        ]
        read_only_fields = fields


class EvidenceSerializer(serializers.Serializer):
    evidence = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField()


class ReissueSerializer(serializers.Serializer):
    working_days = serializers.IntegerField()


class DrawSerializer(serializers.ModelSerializer):
    campaign_name = serializers.CharField(source="share.campaign.name", read_only=True)
    # Stored packed in DrawPool (the digest proves them unchanged).
    pool = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    weights = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "campaign_name",
            "bureau",
            "share",
            "seed",
            "algorithm",
            "filters",
            "pool",
            "pool_size",
            "pool_digest",
            "count",
            "ratio",
            "weights",
            "roster",
            "result",
            "drawn_at",
        ]
        read_only_fields = fields


class DrawMakeSerializer(serializers.Serializer):
    share = ScopedRelatedField(queryset=CampaignShare.objects.all())
    count = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    ratio = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        max_value=Decimal(1),
        required=False,
        allow_null=True,
        default=None,
    )
    weighted = serializers.BooleanField(required=False, default=False)
    filters = serializers.DictField(required=False, default=dict)
    seed = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)


class ReplaySerializer(serializers.Serializer):
    matches = serializers.BooleanField()
    recomputed = serializers.JSONField()
    reason = serializers.CharField()
