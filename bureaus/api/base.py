"""The base of every scoped API viewset: tenancy and the permission table applied on every
request, with no way to skip them by accident.

Guarantees:
- Safe methods read through `visible_to(user)`; unsafe methods through `editable_by(user)`, so
  another district's record is a 404 for reads and writes alike, never a 403.
- The role permission table is checked before any lookup (403 regardless of the record).
- Subclasses cannot override `get_queryset` or `get_object` (TypeError at import time); they
  shape the scoped queryset in `scope_queryset`.
"""

import copy

from rest_framework import mixins, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.viewsets import GenericViewSet

from bureaus import rls
from bureaus.acting import attach_membership
from bureaus.permissions import RolePermission, refuse_overrides

_SEALED = ("get_queryset", "get_object", "check_permissions", "initial")


class ScopedViewSet(GenericViewSet):
    """Declare `queryset`, `serializer_class` and `permission_object` ("street" → the actions
    "street.view" and "street.change" in bureaus.permissions.ACTIONS)."""

    permission_classes = [IsAuthenticated, RolePermission]
    permission_object: str = ""
    # A whole viewset's verb, or an @action's (DRF sets @action kwargs on the view, and only
    # accepts names the class declares); see bureaus.permissions.action_for.
    permission_verb: str | None = None
    permission_verbs: dict[str, str] | None = None
    abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        refuse_overrides(cls, _SEALED, "shape the scoped queryset in scope_queryset() instead.")
        if not cls.__dict__.get("abstract", False) and not cls.permission_object:
            raise TypeError(f"{cls.__name__} must declare permission_object")
        if RolePermission not in cls.permission_classes:
            raise TypeError(f"{cls.__name__} must keep RolePermission in permission_classes")

    def perform_authentication(self, request):
        super().perform_authentication(request)
        user = request.user
        if user.is_authenticated and not hasattr(user, "membership"):
            attach_membership(request._request, user)
        elif user.is_authenticated:
            # Row-level security follows the membership already chosen for this user object.
            rls.set_scope(rls.for_membership(user, user.membership))

    @property
    def membership(self):
        return getattr(self.request.user, "membership", None)

    def scope_queryset(self, queryset):
        """Hook: add select_related, annotations or ordering to the already-scoped queryset."""
        return queryset

    def get_queryset(self):
        base = self.queryset.all()
        if self.request.method in SAFE_METHODS:
            scoped = base.visible_to(self.request.user)
        else:
            scoped = base.editable_by(self.request.user)
        return self.scope_queryset(scoped)


class ScopedCreateMixin(mixins.CreateModelMixin):
    """A created record belongs to the acting bureau, whatever the payload says."""

    def perform_create(self, serializer):
        if self.membership is None:
            raise PermissionDenied
        serializer.save(bureau=self.membership.bureau)


class ScopedModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedCreateMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    abstract = True


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    abstract = True


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to another bureau-owned record: only records the user may edit are
    accepted, and a record of another district reads as "does not exist"."""

    def get_queryset(self):
        request = self.context["request"]
        return super().get_queryset().editable_by(request.user)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference to a record of the user's subtree (a superior naming a district's record);
    a record outside it reads as "does not exist"."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"].user)


class FieldsBuiltOnce:
    """For a ModelSerializer (put it first among the bases): its fields are built from the model
    once per process, not on every instantiation, and each serializer gets deep copies of them,
    as DRF gives every serializer its declared fields. Building them cost more than the SQL of
    a small record (issue 11: 0.2 of the floor's 0.3 ms for the bureau's six fields). Only for
    a serializer whose `get_fields` depends on nothing of the request (its context, instance
    or data)."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)
