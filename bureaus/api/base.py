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

from django.http import Http404
from django.utils import timezone, translation
from rest_framework import mixins, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.viewsets import GenericViewSet

from bureaus import rls
from bureaus.acting import attach_membership
from bureaus.db.compiled import CompiledGet
from bureaus.permissions import RolePermission, refuse_overrides

_SEALED = ("get_queryset", "get_object", "check_permissions", "initial")
# Compiled detail statements kept per viewset class and process (ScopedViewSet.get_object);
# the whole set is dropped when it reaches this many.
COMPILED_GETS = 256
# The ids a record's URL may name for the compiled statement: within PostgreSQL's integer (a
# larger one goes the ordinary way, where the ORM answers "does not exist" itself).
_LARGEST_ID = 2**31 - 1


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
        cls._compiled_gets = {}
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
        """Hook: add select_related, annotations or ordering to the already-scoped queryset.
        For a record's read (get_object) the statement is compiled once per key (the action,
        the user, the membership, its bureau's subtree, the URL's other arguments, today, the
        language): it must depend on nothing else, e.g. not on the time of day."""
        return queryset

    def get_object(self):
        """DRF's: the record of the URL in the scoped, filtered queryset (else 404), then the
        object permissions. A read (GET/HEAD, no query string) of a record named by a numeric
        id runs the statement the ORM compiled for the first such request of the same scope
        (bureaus.db.compiled.CompiledGet), kept per class under a key of everything the scoped
        queryset is built from: the action, the user, the acting membership, its role, its
        bureau's path and subtree, the other URL arguments, today and the language. Anything
        else, or a queryset that cannot be compiled so, goes DRF's way."""
        compiled = self._compiled_get()
        if compiled is None:
            return super().get_object()
        value = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        instance = compiled.get(value)
        if instance is None:
            raise Http404(f"No {compiled.model._meta.object_name} matches the given query.")
        self.check_object_permissions(self.request, instance)
        return instance

    def _compiled_get(self):
        request = self.request
        membership = self.membership
        kwarg = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs.get(kwarg)
        if (
            membership is None
            or request.method not in ("GET", "HEAD")
            or request.META.get("QUERY_STRING")
            or not isinstance(value, str)
            or not (value.isascii() and value.isdigit() and len(value) <= 10)
            or int(value) > _LARGEST_ID
        ):
            return None
        bureau = membership.bureau
        key = (
            self.action,
            request.method,
            request.user.pk,
            membership.pk,
            membership.role,
            bureau.pk,
            bureau.path,
            tuple(bureau.subtree_ids()),
            tuple(sorted((k, str(v)) for k, v in self.kwargs.items() if k != kwarg)),
            timezone.localdate(),
            translation.get_language(),
        )
        gets = self._compiled_gets
        try:
            return gets[key]
        except KeyError:
            pass
        # Another thread of the worker may clear the set meanwhile: what this one compiled is
        # returned from here, not read back.
        compiled = CompiledGet.of(self.filter_queryset(self.get_queryset()), self.lookup_field)
        if len(gets) >= COMPILED_GETS:
            gets.clear()
        gets[key] = compiled
        return compiled

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
