"""Serializers for tip-offs, supervision orders, rewards and refund disputes. None of them has
a reporter name or phone field: the identity never leaves the server through the API (only
whether the reporter left one)."""

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from bureaus.api.base import ScopedRelatedField, VisibleRelatedField
from bureaus.models import Bureau
from complaints.models import Complaint, RefundDispute, Reward, SupervisionOrder
from complaints.selectors import LIST_COLUMNS
from complaints.services import handling, orders, rewards
from institutions.models import Institution


class _StepsSerializer(serializers.ModelSerializer):
    """A record of a workflow: `allowed_transitions` lists the steps its state allows now,
    from the service's own function (`allowed_steps`, set by each serializer)."""

    allowed_transitions = serializers.SerializerMethodField()
    allowed_steps = None

    def get_allowed_transitions(self, obj) -> list[str]:
        return self.allowed_steps(obj)


class _DeadlineStepsSerializer(_StepsSerializer):
    """…with a deadline: `overdue` says whether it has passed unmet (core.models.Deadline)."""

    overdue = serializers.SerializerMethodField()

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue_on(timezone.localdate())


class ComplaintSerializer(_DeadlineStepsSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    reporter_named = serializers.SerializerMethodField()
    allowed_steps = staticmethod(handling.allowed_transitions)

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

    @cached_property
    def _when(self):
        """DRF's DateTimeField.to_representation (ISO 8601 in the current time zone, "Z" for
        UTC) for the aware datetimes read from the database, without its generic checks: one
        function per serializer (a list's child is one instance), not a field call per value
        (issue 11)."""
        zone = timezone.get_current_timezone()

        def when(value):
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return when

    def to_representation(self, obj):
        if isinstance(obj, dict):  # a values row (selectors.complaint_list_rows): the detail
            return self.represent(obj, today=timezone.localdate())
        row = {column: getattr(obj, column) for column in LIST_COLUMNS}
        row["bureau_name"] = obj.bureau.name
        row["reporter_named"] = self.get_reporter_named(obj)
        return self.represent(row, today=timezone.localdate())

    def represent(self, row: dict, *, today) -> dict:
        """The fields above from a tip-off's values (selectors.LIST_COLUMNS, `bureau_name`,
        `reporter_named`), read directly: DRF's generic field walk (and, for one record,
        ModelSerializer building its fields from the model on every request) cost more than
        the SQL (issue 11). tests/complaints/test_flat_cost.py compares this with DRF's own
        walk of the declared fields, and a list row with the detail."""
        when = self._when

        def day(value):
            return value.isoformat() if value is not None else None

        status = row["status"]
        return {
            "id": row["id"],
            "tracking_code": row["tracking_code"],
            "bureau": row["bureau_id"],
            "bureau_name": row["bureau_name"],
            "channel": row["channel"],
            "external_ref": row["external_ref"],
            "institution": row["institution_id"],
            "institution_name": row["institution_name"],
            "institution_address": row["institution_address"],
            "category": row["category"],
            "description": row["description"],
            "observed_on": day(row["observed_on"]),
            "reporter_named": row["reporter_named"],
            "status": status,
            "outcome": row["outcome"],
            "public_reply": row["public_reply"],
            "assignee": row["assignee_id"],
            "duplicate_of": row["duplicate_of_id"],
            "received_at": when(row["received_at"]),
            "due_on": day(row["due_on"]),
            # Complaint.is_overdue_on, from the values.
            "overdue": status in Complaint.OPEN_STATUSES and row["due_on"] < today,
            "overdue_since": day(row["overdue_since"]),
            "concluded_at": when(row["concluded_at"]) if row["concluded_at"] else None,
            "closed_at": when(row["closed_at"]) if row["closed_at"] else None,
            "allowed_transitions": handling.allowed_transitions_in(status),
        }


class ComplaintListSerializer(ComplaintSerializer):
    """The list's rows: the same fields from the plain values of
    selectors.complaint_list_rows (no model instance per row), with "reporter left a name and
    phone" read from its `reporter_named` column, so no row decrypts the reporter's identity."""

    reporter_named = serializers.BooleanField(read_only=True)

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue_on(self.context["today"])

    def to_representation(self, row):
        return self.represent(row, today=self.context["today"])


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


# What the hotline reads back about its work order: the district's handling and reply.
_HOTLINE_REPLY = ("status", "outcome", "public_reply", "received_at", "due_on", "concluded_at")


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
            *_HOTLINE_REPLY,
        ]
        read_only_fields = ["id", "tracking_code", *_HOTLINE_REPLY]
        extra_kwargs = {"institution_name": {"required": True, "allow_blank": False}}


class SupervisionOrderSerializer(_DeadlineStepsSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    issued_by_name = serializers.CharField(source="issued_by.name", read_only=True)
    complaint_code = serializers.CharField(
        source="complaint.tracking_code", read_only=True, allow_null=True, default=None
    )
    allowed_steps = staticmethod(orders.supervision_order_allowed_steps)

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "number",
            "bureau",
            "bureau_name",
            "issued_by",
            "issued_by_name",
            "complaint",
            "complaint_code",
            "subject",
            "instructions",
            "issued_at",
            "due_on",
            "status",
            "overdue",
            "overdue_since",
            "answer",
            "answered_at",
            "allowed_transitions",
        ]
        read_only_fields = fields


class SupervisionOrderIssueSerializer(serializers.Serializer):
    """A supervisor's new order to a district of their subtree, optionally about one of that
    district's tip-offs (by id)."""

    district = VisibleRelatedField(queryset=Bureau.objects.filter(level=Bureau.Level.DISTRICT))
    complaint = VisibleRelatedField(
        queryset=Complaint.objects.all(), required=False, allow_null=True, default=None
    )
    subject = serializers.CharField(max_length=200)
    instructions = serializers.CharField()
    due_on = serializers.DateField()


class SupervisionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(help_text=_("What the district found and did."))


class _OfComplaintSerializer(serializers.ModelSerializer):
    """A record about one tip-off, which it shows by code and institution only (never the
    reporter)."""

    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    tracking_code = serializers.CharField(source="complaint.tracking_code", read_only=True)
    institution_name = serializers.CharField(source="complaint.institution_name", read_only=True)
    # Where each such record's fields begin.
    leading_fields = (
        "id",
        "bureau",
        "bureau_name",
        "complaint",
        "tracking_code",
        "institution_name",
    )


class RewardSerializer(_OfComplaintSerializer, _StepsSerializer):
    """A reward: the amount and its dates, the tip-off by code and institution only."""

    allowed_steps = staticmethod(rewards.reward_allowed_steps)

    class Meta:
        model = Reward
        fields = [
            *_OfComplaintSerializer.leading_fields,
            "amount_fen",
            "status",
            "decided_at",
            "notify_by",
            "notified_on",
            "claim_by",
            "claimed_on",
            "allowed_transitions",
        ]
        read_only_fields = fields


class RewardDecideSerializer(serializers.Serializer):
    complaint = ScopedRelatedField(queryset=Complaint.objects.all())
    amount_fen = serializers.IntegerField(help_text=_("200 to 2000 yuan, in fen."))


class RewardNotifySerializer(serializers.Serializer):
    notified_on = serializers.DateField(required=False, help_text=_("Today when left out."))


class RewardClaimSerializer(serializers.Serializer):
    claimed_on = serializers.DateField(required=False, help_text=_("Today when left out."))


class RefundDisputeSerializer(_OfComplaintSerializer):
    class Meta:
        model = RefundDispute
        fields = [
            *_OfComplaintSerializer.leading_fields,
            "students",
            "amount_disputed_fen",
            "amount_recovered_fen",
            "status",
            "updated_at",
        ]
        read_only_fields = fields


class RefundDisputeUpdateSerializer(serializers.Serializer):
    """The figures of a refund dispute, in fen; `resolved` closes it."""

    students = serializers.IntegerField(min_value=0)
    amount_disputed_fen = serializers.IntegerField(min_value=0)
    amount_recovered_fen = serializers.IntegerField(min_value=0, default=0)
    resolved = serializers.BooleanField(default=False)


class RefundDisputeCreateSerializer(RefundDisputeUpdateSerializer):
    complaint = ScopedRelatedField(
        queryset=Complaint.objects.all(),
        validators=[
            UniqueValidator(
                queryset=RefundDispute.objects.all(),
                message=_("This tip-off already has a refund dispute; update it instead."),
            )
        ],
    )


class RefundTotalsRowSerializer(serializers.Serializer):
    district = serializers.CharField(source="bureau__name", allow_null=True)
    disputes = serializers.IntegerField()
    students = serializers.IntegerField()
    disputed_fen = serializers.IntegerField(source="disputed")
    recovered_fen = serializers.IntegerField(source="recovered")


class RefundGrandTotalSerializer(serializers.Serializer):
    disputes = serializers.IntegerField()
    students = serializers.IntegerField()
    disputed_fen = serializers.IntegerField(source="disputed")
    recovered_fen = serializers.IntegerField(source="recovered")


class RefundTotalsSerializer(serializers.Serializer):
    """Refund disputes summed per district and overall (money in integer fen)."""

    districts = RefundTotalsRowSerializer(many=True)
    total = RefundGrandTotalSerializer()
