"""The staff API for tip-offs (list with filters, retrieve, each workflow step as an action)
and the intake API for the 12345 hotline."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from bureaus.api.base import ScopedViewSet
from complaints import services
from complaints.api import serializers as s
from complaints.filters import ComplaintFilterSet
from complaints.models import Complaint


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return ValidationError({"non_field_errors": exc.messages})


def _transition(name: str, serializer_class, service, verb: str = "change"):
    """An action for one workflow step: GET says whether it may be taken now, POST takes it
    through the service (400 with field errors when the step is refused)."""

    def handler(self, request, pk=None):
        complaint = self.get_object()
        if request.method in SAFE_METHODS:
            data = {
                "status": complaint.status,
                "transition": name,
                "allowed": name in services.allowed_transitions(complaint),
            }
            return Response(s.TransitionStateSerializer(data).data)
        serializer = serializer_class(
            data=request.data, context={"request": request, "complaint": complaint}
        )
        serializer.is_valid(raise_exception=True)
        try:
            service(actor=request.user, complaint=complaint, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None) from exc
        complaint.refresh_from_db()
        return Response(s.ComplaintSerializer(complaint, context={"request": request}).data)

    handler.__name__ = name
    handler.__doc__ = (service.__doc__ or "").strip().splitlines()[0]
    handler = extend_schema(methods=["GET"], responses=s.TransitionStateSerializer, request=None)(
        handler
    )
    handler = extend_schema(
        methods=["POST"], request=serializer_class, responses=s.ComplaintSerializer
    )(handler)
    # Asking whether the step may be taken is a read; taking it needs the step's verb.
    return action(
        detail=True,
        methods=["get", "post"],
        url_path=name,
        url_name=name,
        permission_verbs={"get": "view", "post": verb},
    )(handler)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Tip-offs of the user's bureau subtree. Writes (the workflow steps) only in the
    acting district."""

    queryset = Complaint.objects.all()
    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilterSet
    permission_object = "complaint"

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau")

    accept = _transition("accept", s.NoteSerializer, services.complaint_accept)
    reject = _transition("reject", s.RejectSerializer, services.complaint_reject)
    merge = _transition("merge", s.MergeSerializer, services.complaint_merge)
    assign = _transition("assign", s.AssignSerializer, services.complaint_assign, verb="assign")
    note = _transition("note", s.InvestigationNoteSerializer, services.complaint_add_note)
    link = _transition("link", s.LinkSerializer, services.complaint_link_institution)
    conclude = _transition("conclude", s.ConcludeSerializer, services.complaint_conclude)
    close = _transition("close", s.NoteSerializer, services.complaint_close)


class HotlineWorkOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The 12345 hotline's intake: push a work order (idempotent on its number; 201 when
    created, 200 when it was already there) and read back the status and public reply. The
    hotline authenticates with a token of a service account holding an officer membership in
    the district."""

    queryset = Complaint.objects.filter(channel=Complaint.Channel.HOTLINE)
    serializer_class = s.HotlineWorkOrderSerializer
    permission_object = "hotline"
    filterset_fields = ["external_ref", "status"]

    def create(self, request, *args, **kwargs):
        if self.membership is None or not self.membership.bureau.is_district:
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            complaint, created = services.complaint_hotline_push(
                actor=request.user,
                external_ref=data.pop("external_ref"),
                institution=None,
                institution_name=data.get("institution_name", ""),
                institution_address=data.get("institution_address", ""),
                category=data["category"],
                description=data["description"],
                observed_on=data.get("observed_on"),
                reporter_name=data.get("reporter_name", ""),
                reporter_phone=data.get("reporter_phone", ""),
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(
            self.get_serializer(complaint).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
