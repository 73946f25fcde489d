from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bureaus.api.base import FieldsBuiltOnce, ScopedRelatedField
from bureaus.models import AuditEvent, Bureau, Department, Membership, Street, User
from bureaus.services import bureau_accounts, membership_check


class BureauSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Bureau
        fields = ["id", "code", "name", "level", "parent", "path"]
        read_only_fields = fields


class _NameUniqueInDistrict(serializers.ModelSerializer):
    """A street or a department: the name unique in the acting district
    (bureaus.models.NamedInDistrict), as the page's form checks it."""

    def validate_name(self, value):
        model = self.Meta.model
        bureau = self.context["request"].user.membership.bureau
        error = model.name_error(model.objects.filter(bureau=bureau), value, self.instance)
        if error:
            raise serializers.ValidationError(error)
        return value


class StreetSerializer(_NameUniqueInDistrict):
    class Meta:
        model = Street
        fields = ["id", "bureau", "name", "code"]
        read_only_fields = ["id", "bureau"]


class DepartmentSerializer(_NameUniqueInDistrict):
    class Meta:
        model = Department
        fields = ["id", "bureau", "kind", "name"]
        read_only_fields = ["id", "bureau"]


class BureauUserField(serializers.SlugRelatedField):
    """A username of the acting bureau's own accounts (home bureau or a membership there).

    Any other username, existing elsewhere or nowhere, gets the same error: the field tells
    nothing about accounts outside the bureau."""

    default_error_messages = {
        "does_not_exist": _("This bureau has no account with this username."),
        "invalid": _("This bureau has no account with this username."),
    }

    def get_queryset(self):
        return bureau_accounts(self.context["request"].user.membership.bureau)


class MembershipSerializer(serializers.ModelSerializer):
    user = BureauUserField(slug_field="username", queryset=User.objects.none())
    department = ScopedRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Membership
        fields = ["id", "bureau", "user", "role", "department", "is_active"]
        read_only_fields = ["id", "bureau"]

    def validate_role(self, value):
        if value not in Membership.DISTRICT_ROLES:
            raise serializers.ValidationError(_("A district bureau can only grant district roles."))
        return value

    def validate(self, attrs):
        request = self.context["request"]
        membership = self.instance or Membership(bureau=request.user.membership.bureau)
        for name, value in attrs.items():
            setattr(membership, name, value)
        try:
            membership_check(membership, actor=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "bureau",
            "actor",
            "actor_repr",
            "action",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "request_id",
            "ip",
        ]
        read_only_fields = fields
