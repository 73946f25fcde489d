"""Serializers for tip-offs. None of them has a reporter name or phone field: the identity
never leaves the server through the API (only whether the reporter left one)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bureaus.api.base import ScopedRelatedField
from complaints import services
from complaints.models import Complaint
from institutions.models import Institution


class ComplaintSerializer(serializers.ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    reporter_named = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "bureau",
            "bureau_name",
            "channel",
            "external_ref",
            "institution",
            "institution_name",
            "institution_address",
            "category",
            "description",
            "observed_on",
            "reporter_named",
            "status",
            "outcome",
            "public_reply",
            "assignee",
            "duplicate_of",
            "received_at",
            "due_on",
            "overdue",
            "overdue_since",
            "concluded_at",
            "closed_at",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def get_reporter_named(self, obj) -> bool:
        return obj.is_named

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue_on(timezone.localdate())

    def get_allowed_transitions(self, obj) -> list[str]:
        return services.allowed_transitions(obj)


class TransitionStateSerializer(serializers.Serializer):
    """GET on a transition: whether it may be taken now."""

    status = serializers.CharField()
    transition = serializers.CharField()
    allowed = serializers.BooleanField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(NoteSerializer):
    public_reply = serializers.CharField()


class MergeSerializer(NoteSerializer):
    into = serializers.CharField(help_text=_("Tracking code of the original tip-off"))

    def validate_into(self, value):
        complaint = self.context["complaint"]
        target = Complaint.objects.filter(
            bureau_id=complaint.bureau_id, tracking_code=value.strip().upper()
        ).first()
        if target is None or target.pk == complaint.pk:
            raise serializers.ValidationError(_("No other tip-off of your district has this code."))
        return target


class AssignSerializer(NoteSerializer):
    assignee = serializers.IntegerField()

    def validate_assignee(self, value):
        from complaints.selectors import assignable_users

        users = {u.pk: u for u in assignable_users(bureau_id=self.context["complaint"].bureau_id)}
        if value not in users:
            raise serializers.ValidationError(_("Choose an officer of this district."))
        return users[value]


class InvestigationNoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class LinkSerializer(serializers.Serializer):
    institution = ScopedRelatedField(queryset=Institution.objects.all())


class ConcludeSerializer(NoteSerializer):
    outcome = serializers.ChoiceField(choices=Complaint.Outcome.choices)
    public_reply = serializers.CharField()


class HotlineWorkOrderSerializer(serializers.ModelSerializer):
    """A 12345 work order: pushed in by the hotline system, read back for the reply. The
    caller's name and phone are accepted (write-only, encrypted at rest) and never returned."""

    work_order = serializers.CharField(source="external_ref", max_length=50)
    caller_name = serializers.CharField(
        source="reporter_name", write_only=True, required=False, allow_blank=True, max_length=50
    )
    caller_phone = serializers.CharField(
        source="reporter_phone", write_only=True, required=False, allow_blank=True, max_length=20
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "work_order",
            "institution_name",
            "institution_address",
            "category",
            "description",
            "observed_on",
            "caller_name",
            "caller_phone",
            "status",
            "outcome",
            "public_reply",
            "received_at",
            "due_on",
            "concluded_at",
        ]
        read_only_fields = [
            "id",
            "tracking_code",
            "status",
            "outcome",
            "public_reply",
            "received_at",
            "due_on",
            "concluded_at",
        ]
        extra_kwargs = {"institution_name": {"required": True, "allow_blank": False}}
