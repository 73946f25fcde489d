"""Serializers of the escrow API. Account numbers and student names leave the server masked
only: there is no field for the clear value."""

from rest_framework import serializers

from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry, StatementImport


class EscrowAccountSerializer(serializers.ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    account_number = serializers.CharField(source="masked_account_number", read_only=True)

    class Meta:
        model = EscrowAccount
        fields = [
            "id",
            "bureau",
            "bureau_name",
            "institution",
            "institution_name",
            "bank",
            "account_number",
            "agreed_on",
            "mode",
            "minimum_kind",
            "minimum_fixed_fen",
            "minimum_share_pct",
            "yellow_threshold_fen",
            "single_outflow_limit_fen",
            "daily_outflow_limit_fen",
            "deposit_within_days",
            "silent_after_days",
            "status",
            "balance_fen",
        ]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "account",
            "kind",
            "amount_fen",
            "balance_after_fen",
            "booked_on",
            "fee_record",
            "reverses",
            "bank_reference",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class FeeRecordSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    student_name = serializers.CharField(source="masked_student_name", read_only=True)

    class Meta:
        model = FeeRecord
        fields = [
            "id",
            "bureau",
            "institution",
            "institution_name",
            "student_name",
            "course_name",
            "contract_number",
            "amount_fen",
            "collected_on",
            "period_start",
            "period_end",
            "class_hours",
            "violates_cap",
            "violation",
        ]
        read_only_fields = fields


class FundWarningSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="account.institution.name", read_only=True)

    class Meta:
        model = FundWarning
        fields = [
            "id",
            "bureau",
            "account",
            "institution_name",
            "kind",
            "level",
            "detail",
            "status",
            "note",
            "raised_at",
            "acknowledged_at",
            "resolved_at",
        ]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class StatementImportSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="statement-import-detail")
    delivery = serializers.SerializerMethodField()

    class Meta:
        model = StatementImport
        fields = [
            "id",
            "url",
            "bureau",
            "original_name",
            "state",
            "delivery",
            "attempts",
            "lines",
            "checked",
            "percent",
            "inserted",
            "duplicates",
            "errors",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_delivery(self, job) -> str:
        """queued · running · retrying · interrupted (stalled) · finished."""
        return job.delivery_state()


class StatementUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
