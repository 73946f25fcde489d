"""The inspections API: campaigns and shares (with their statistics), visits (plan, start,
answer item by item, conclude, issue a notice), rectification notices (each step an action),
random draws (make, replay)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bureaus.api.base import ScopedViewSet
from bureaus.models import User
from bureaus.permissions import membership_may
from core.api.creating import create_through_service
from core.api.workflow import workflow_action
from inspections import selectors
from inspections.api import serializers as s
from inspections.models import (
    Campaign,
    CampaignShare,
    Draw,
    Finding,
    Inspection,
    RectificationNotice,
)
from inspections.services import draws, notice_documents, notices, visits


class StatisticsSerializer(serializers.Serializer):
    districts = serializers.ListField(child=serializers.DictField())
    total = serializers.DictField()


class StreetStatisticsSerializer(serializers.Serializer):
    streets = serializers.ListField(child=serializers.DictField())
    total = serializers.DictField()


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Campaigns issued by the user's bureau or below it (an issuer sees its own; a district
    reads the campaign of its share through the share)."""

    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    permission_object = "campaign"
    filterset_fields = ["kind"]

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau").prefetch_related("phases", "items")

    @extend_schema(responses=StatisticsSerializer)
    @action(detail=True, methods=["get"], permission_verbs={"get": "view"})
    def statistics(self, request, pk=None):
        """The campaign's figures for every share the user sees, per district and in total."""
        campaign = self.get_object()
        return Response(selectors.campaign_statistics(user=request.user, campaign=campaign))

    @extend_schema(responses=StreetStatisticsSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path="street-statistics",
        permission_verbs={"get": "view"},
    )
    def street_statistics(self, request, pk=None):
        """The campaign's figures per street of the institutions visited (every share the
        user sees), and in total."""
        campaign = self.get_object()
        return Response(selectors.campaign_street_statistics(user=request.user, campaign=campaign))


class CampaignShareViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A district's share of a campaign: what the district runs."""

    queryset = CampaignShare.objects.all()
    serializer_class = s.CampaignShareSerializer
    permission_object = "campaignshare"

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "campaign").prefetch_related(
            "campaign__phases", "campaign__items"
        )

    @extend_schema(responses=StatisticsSerializer)
    @action(detail=True, methods=["get"], permission_verbs={"get": "view"})
    def statistics(self, request, pk=None):
        """The share's figures."""
        share = self.get_object()
        return Response(selectors.statistics(CampaignShare.objects.filter(pk=share.pk)))


def _visit_step(name, serializer_class, service):
    return workflow_action(
        name,
        serializer_class=serializer_class,
        service=service,
        allowed=visits.VISIT.open_to,
        record="inspection",
        output=s.InspectionSerializer,
    )


def _after_conclusion(name):
    """The acknowledgements are open once the visit is concluded."""

    def allowed(record):
        return [name] if record.status == Inspection.Status.CONCLUDED else []

    return allowed


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Visits. POST on the list plans one; `answer` saves one checklist answer (keyed by the
    item, so a retry changes nothing), with an optional photo."""

    queryset = Inspection.objects.all()
    serializer_class = s.InspectionSerializer
    permission_object = "inspection"
    filterset_fields = ["share", "status", "institution"]

    def scope_queryset(self, queryset):
        return queryset.select_related("institution").prefetch_related(
            "findings__item", "findings__photos", "acknowledgements"
        )

    @extend_schema(request=s.InspectionPlanSerializer, responses={201: s.InspectionSerializer})
    def create(self, request, *args, **kwargs):
        """Plan a visit of the district's share."""
        serializer = s.InspectionPlanSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ids = set(data.pop("inspectors", []))
        inspectors = list(User.objects.filter(pk__in=ids))
        if len(inspectors) != len(ids):
            raise ValidationError({"inspectors": _("Choose inspectors of your district.")})
        inspection = visits.inspection_plan(actor=request.user, inspectors=inspectors, **data)
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)

    start = _visit_step("start", s.EmptySerializer, visits.inspection_start)
    conclude = _visit_step("conclude", s.ConcludeSerializer, visits.inspection_conclude)
    acknowledge = workflow_action(
        "acknowledge",
        serializer_class=s.EmptySerializer,
        service=visits.inspection_acknowledge,
        allowed=_after_conclusion("acknowledge"),
        record="inspection",
        output=s.InspectionSerializer,
    )
    representative = workflow_action(
        "representative",
        serializer_class=s.RepresentativeSerializer,
        service=visits.inspection_representative_acknowledge,
        allowed=_after_conclusion("representative"),
        record="inspection",
        output=s.InspectionSerializer,
    )

    @extend_schema(methods=["GET"], responses=s.FindingSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=s.AnswerSerializer, responses=s.FindingSerializer)
    @action(
        detail=True, methods=["get", "post"], permission_verbs={"get": "view", "post": "change"}
    )
    def answer(self, request, pk=None):
        """GET: the answers so far. POST: one answer (item, result, note, optional photo)."""
        inspection = self.get_object()
        if request.method == "GET":
            findings = inspection.findings.select_related("item").prefetch_related("photos")
            return Response(s.FindingSerializer(findings, many=True).data)
        serializer = s.AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        finding = visits.answer_save(actor=request.user, inspection=inspection, **data)
        finding = Finding.objects.prefetch_related("photos").get(pk=finding.pk)
        return Response(s.FindingSerializer(finding).data)

    @extend_schema(methods=["GET"], responses=s.RectificationNoticeSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.NoticeIssueSerializer,
        responses={201: s.RectificationNoticeSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="notices",
        permission_verbs={"get": "view", "post": "change"},
    )
    def notices(self, request, pk=None):
        """GET: the visit's notices. POST: issue a notice from violation findings."""
        inspection = self.get_object()
        if request.method == "GET":
            return Response(
                s.RectificationNoticeSerializer(inspection.notices.all(), many=True).data
            )
        if not membership_may(self.membership, "rectificationnotice.change"):
            raise PermissionDenied
        serializer = s.NoticeIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        findings = list(inspection.findings.filter(pk__in=data["findings"]))
        if len(findings) != len(set(data["findings"])):
            raise ValidationError({"findings": _("Only findings of this visit can be cited.")})
        notice = notices.notice_issue(
            actor=request.user,
            inspection=inspection,
            findings=findings,
            requirements=data["requirements"],
            working_days=data["working_days"],
        )
        return Response(
            s.RectificationNoticeSerializer(notice).data, status=status.HTTP_201_CREATED
        )


def _notice_step(name, serializer_class, service, verb="change"):
    return workflow_action(
        name,
        serializer_class=serializer_class,
        service=service,
        allowed=notices.notice_allowed_steps,
        record="notice",
        verb=verb,
        output=s.RectificationNoticeSerializer,
    )


class RectificationNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Rectification notices (整改通知书), each step an action. The PDF is rendered by the
    documents app from number, deadline, requirements and findings."""

    queryset = RectificationNotice.objects.all()
    serializer_class = s.RectificationNoticeSerializer
    permission_object = "rectificationnotice"
    filterset_fields = ["status", "inspection"]

    def scope_queryset(self, queryset):
        return queryset.select_related("inspection__institution").prefetch_related("findings")

    submit = _notice_step(
        "submit", s.EvidenceSerializer, notices.notice_submit_evidence, verb="evidence"
    )
    verify = _notice_step("verify", s.NoteSerializer, notices.notice_verify)
    reject = _notice_step("reject", s.RejectSerializer, notices.notice_reject)
    reissue = _notice_step("reissue", s.ReissueSerializer, notices.notice_reissue)
    sanction = _notice_step("sanction", s.SanctionSerializer, notices.notice_sanction)
    document = workflow_action(
        "document",
        serializer_class=s.EmptySerializer,
        service=notice_documents.notice_document,
        allowed=lambda record: ["document"] if notices.notice_document_allowed(record) else [],
        record="notice",
        output=s.RectificationNoticeSerializer,
    )


class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Random draws (双随机). POST on the list draws; `replay` recomputes and compares."""

    queryset = Draw.objects.select_related("share__campaign", "pool_data")
    serializer_class = s.DrawSerializer
    permission_object = "draw"
    permission_verbs = {"post": "make"}

    @extend_schema(request=s.DrawMakeSerializer, responses={201: s.DrawSerializer})
    def create(self, request, *args, **kwargs):
        """Draw institutions of the district's share and their inspectors."""
        return create_through_service(
            self, request, serializer_class=s.DrawMakeSerializer, service=draws.draw_make
        )

    @extend_schema(responses=s.ReplaySerializer)
    @action(detail=True, methods=["get"], permission_verbs={"get": "view"})
    def replay(self, request, pk=None):
        """Recompute the draw from its recorded seed, pool and roster and compare."""
        return Response(draws.draw_replay(self.get_object()))
