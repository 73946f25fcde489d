from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import serializers

from bureaus.api.base import FieldsBuiltOnce, ScopedRelatedField
from bureaus.crypto import mask_phone
from bureaus.models import Street
from institutions import rules
from institutions.credit_code import normalize
from institutions.models import Institution
from institutions.services.registry import (
    INSTITUTION_FIELDS,
    institution_register,
    institution_update,
)

# What a list row reads (`.values()` of an annotated queryset): the record's columns but its
# search bigrams, and the list annotations of selectors.institution_annotate.
_ANNOTATIONS = ("on_white", "on_black", "licence_number", "licence_expires_on")
ROW_FIELDS = (
    *(f.attname for f in Institution._meta.concrete_fields if f.name != "search_bigrams"),
    *_ANNOTATIONS,
)
# Annotations a record just written does not carry, and what they read as then.
_UNANNOTATED = {
    "on_white": False,
    "on_black": False,
    "licence_number": None,
    "licence_expires_on": None,
}


def _record_row(record) -> dict:
    return {name: getattr(record, name, _UNANNOTATED.get(name)) for name in ROW_FIELDS}


class InstitutionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """An institution as programs see it; writes go through the registry services, so the
    rules of the seeds apply to the API as to the pages. Contact phones are shown masked."""

    street = ScopedRelatedField(queryset=Street.objects.all(), required=False, allow_null=True)
    contact_phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=20
    )
    contact_phone_masked = serializers.CharField(source="masked_contact_phone", read_only=True)
    on_white_list = serializers.BooleanField(source="on_white", read_only=True, default=False)
    on_black_list = serializers.BooleanField(source="on_black", read_only=True, default=False)
    licence_number = serializers.CharField(read_only=True, default=None)
    licence_expires_on = serializers.DateField(read_only=True, default=None)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = [
            "id",
            "bureau",
            "name",
            "name_initials",
            "credit_code",
            "organization_form",
            "category",
            "department",
            "profit",
            "delivery",
            "audience_preschool",
            "audience_compulsory",
            "audience_highschool",
            "status",
            "street",
            "address",
            "contact_name",
            "contact_phone",
            "contact_phone_masked",
            "on_white_list",
            "on_black_list",
            "licence_number",
            "licence_expires_on",
            "warning_codes",
            "warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "bureau",
            "name_initials",
            "status",
            "warning_codes",
            "created_at",
            "updated_at",
        ]
        # Uniqueness of the credit code is the service's, with the one message of every path.
        extra_kwargs = {"credit_code": {"validators": []}}

    def get_warnings(self, obj) -> list[str]:
        return [str(label) for label in rules.labels(obj.warning_codes)]

    @cached_property
    def _when(self):
        """DRF's DateTimeField.to_representation for the aware datetimes read from the
        database, without its generic checks (one function per serializer, not per row)."""
        zone = timezone.get_current_timezone()

        def when(value):
            if not value:
                return None
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return when

    def to_representation(self, obj):
        """The readable fields above, read directly: DRF's generic walk of 26 fields a row
        cost several times the list's SQL (issue 11). `obj` is a record, or a list row as a
        dict of ROW_FIELDS (the list reads `.values()`, no model instance a row).
        tests/institutions/test_api_lean.py compares this with DRF's own walk of the declared
        fields."""
        row = obj if isinstance(obj, dict) else _record_row(obj)
        when = self._when
        licence_number = row["licence_number"]
        licence_expires_on = row["licence_expires_on"]
        phone = mask_phone(row["contact_phone"])
        return {
            "id": row["id"],
            "bureau": row["bureau_id"],
            "name": row["name"],
            "name_initials": row["name_initials"],
            "credit_code": row["credit_code"],
            "organization_form": row["organization_form"],
            "category": row["category"],
            "department": row["department"],
            "profit": row["profit"],
            "delivery": row["delivery"],
            "audience_preschool": row["audience_preschool"],
            "audience_compulsory": row["audience_compulsory"],
            "audience_highschool": row["audience_highschool"],
            "status": row["status"],
            "street": row["street_id"],
            "address": row["address"],
            "contact_name": row["contact_name"],
            "contact_phone_masked": None if phone is None else str(phone),
            # Annotations of selectors.institution_annotate; absent on a record just written.
            "on_white_list": bool(row["on_white"]),
            "on_black_list": bool(row["on_black"]),
            "licence_number": None if licence_number is None else str(licence_number),
            "licence_expires_on": (
                None if licence_expires_on is None else licence_expires_on.isoformat()
            ),
            "warning_codes": [str(code) for code in row["warning_codes"]],
            "warnings": [str(label) for label in rules.labels(row["warning_codes"])],
            "created_at": when(row["created_at"]),
            "updated_at": when(row["updated_at"]),
        }

    def validate_credit_code(self, value):
        code = normalize(value)
        if code:
            message = rules.credit_code_error(code)
            if message:
                raise serializers.ValidationError(message)
        return code

    def _service_fields(self, data):
        return {k: v for k, v in data.items() if k in INSTITUTION_FIELDS}

    # A refusal of the service (Django's ValidationError) becomes a 400 with field errors
    # through core.errors.api_exception_handler.
    def create(self, validated_data):
        return institution_register(
            actor=self.context["request"].user,
            bureau=validated_data.pop("bureau"),
            **self._service_fields(validated_data),
        )

    def update(self, instance, validated_data):
        return institution_update(
            actor=self.context["request"].user,
            institution=instance,
            **self._service_fields(validated_data),
        )
