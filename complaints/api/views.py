"""The staff API for tip-offs (list with filters, retrieve, each workflow step as an action),
supervision orders, rewards and refund disputes, and the intake API for the 12345 hotline."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bureaus.api.base import ScopedViewSet
from complaints import selectors
from complaints.api import serializers as s
from complaints.filters import ComplaintFilterSet, SupervisionOrderFilterSet
from complaints.models import Complaint, RefundDispute, Reward, SupervisionOrder
from complaints.services import handling, intake, orders, refunds, rewards
from core.api.compiled import CompiledDetailMixin, CompiledListMixin
from core.api.creating import create_through_service
from core.api.workflow import workflow_action


def _complaint_step(name, serializer_class, service, verb="change"):
    return workflow_action(
        name,
        serializer_class=serializer_class,
        service=service,
        record="complaint",
        allowed=handling.allowed_transitions,
        verb=verb,
        output=s.ComplaintSerializer,
    )


class ComplaintViewSet(
    CompiledListMixin,
    CompiledDetailMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet,
):
    """Tip-offs of the user's bureau subtree. Writes (the workflow steps) only in the
    acting district. The list and a tip-off's detail read values rows by SQL compiled once
    per request shape (core.api.compiled: the list's depends on the scope, the user, today
    and the query string; the detail's on the scope and the id)."""

    queryset = Complaint.objects.all()
    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilterSet
    permission_object = "complaint"

    def scope_queryset(self, queryset):
        if self.action in ("list", "retrieve"):
            return selectors.complaint_list_rows(queryset)
        return queryset.select_related("bureau")

    def filter_queryset(self, queryset):
        # The inbox filters narrow the list; a record's own URL (its detail, a workflow step)
        # names it already. Building the filter form there cost more than the record's SQL
        # (issue 11).
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return s.ComplaintListSerializer if self.action == "list" else s.ComplaintSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    accept = _complaint_step("accept", s.NoteSerializer, handling.complaint_accept)
    reject = _complaint_step("reject", s.RejectSerializer, handling.complaint_reject)
    merge = _complaint_step("merge", s.MergeSerializer, handling.complaint_merge)
    assign = _complaint_step("assign", s.AssignSerializer, handling.complaint_assign, verb="assign")
    note = _complaint_step("note", s.InvestigationNoteSerializer, handling.complaint_add_note)
    link = _complaint_step("link", s.LinkSerializer, handling.complaint_link_institution)
    conclude = _complaint_step("conclude", s.ConcludeSerializer, handling.complaint_conclude)
    close = _complaint_step("close", s.NoteSerializer, handling.complaint_close)


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
        complaint, created = intake.complaint_hotline_push(
            actor=request.user,
            external_ref=data.pop("external_ref"),
            **intake.report_fields({**data, "institution": None}),
        )
        return Response(
            self.get_serializer(complaint).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class SupervisionOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Supervision orders (督办单). Each row is owned by the target district: a district reads
    its own, a city or province supervisor those of its subtree. A supervisor issues an order
    by POST on the list (the service checks the district is under their bureau); the district
    answers it."""

    queryset = SupervisionOrder.objects.all()
    serializer_class = s.SupervisionOrderSerializer
    filterset_class = SupervisionOrderFilterSet
    permission_object = "supervisionorder"
    # POST on the list issues an order ("supervisionorder.issue": supervisors only). The answer
    # action declares its own verbs, which take precedence on its route.
    permission_verbs = {"post": "issue"}

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "issued_by", "complaint")

    @extend_schema(
        summary="Issue a supervision order",
        request=s.SupervisionOrderIssueSerializer,
        responses={201: s.SupervisionOrderSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Issue a supervision order to a district under the supervisor's bureau."""
        return create_through_service(
            self,
            request,
            serializer_class=s.SupervisionOrderIssueSerializer,
            service=orders.supervision_order_issue,
        )

    answer = workflow_action(
        "answer",
        serializer_class=s.SupervisionAnswerSerializer,
        service=orders.supervision_order_answer,
        verb="answer",
        record="order",
        allowed=orders.supervision_order_allowed_steps,
        output=s.SupervisionOrderSerializer,
    )


class RewardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Rewards for tip-offs (有奖举报). The district decides one by POST on the list, then
    records telling the reporter and the claim. Never carries the reporter's identity."""

    queryset = Reward.objects.all()
    serializer_class = s.RewardSerializer
    permission_object = "reward"
    filterset_fields = ["status"]

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "complaint")

    @extend_schema(
        summary="Decide a reward",
        request=s.RewardDecideSerializer,
        responses={201: s.RewardSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Decide the reward for a substantiated, named, first tip-off of the district."""
        return create_through_service(
            self, request, serializer_class=s.RewardDecideSerializer, service=rewards.reward_decide
        )

    notify = workflow_action(
        "notify",
        serializer_class=s.RewardNotifySerializer,
        service=rewards.reward_notify,
        record="reward",
        allowed=rewards.reward_allowed_steps,
        output=s.RewardSerializer,
    )
    claim = workflow_action(
        "claim",
        serializer_class=s.RewardClaimSerializer,
        service=rewards.reward_claim,
        record="reward",
        allowed=rewards.reward_allowed_steps,
        output=s.RewardSerializer,
    )


class RefundDisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Refund disputes (退费纠纷) behind tip-offs, money in integer fen. The district records
    (POST) and updates (PUT/PATCH) them, as on the tip-off page; `totals` sums them per
    district."""

    queryset = RefundDispute.objects.all()
    serializer_class = s.RefundDisputeSerializer
    permission_object = "refunddispute"
    filterset_fields = ["status"]

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "complaint")

    @extend_schema(
        request=s.RefundDisputeCreateSerializer, responses={201: s.RefundDisputeSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Record the refund dispute behind a tip-off of the district."""
        return create_through_service(
            self,
            request,
            serializer_class=s.RefundDisputeCreateSerializer,
            service=refunds.refund_dispute_record,
        )

    @extend_schema(request=s.RefundDisputeUpdateSerializer, responses=s.RefundDisputeSerializer)
    def update(self, request, *args, partial=False, **kwargs):
        """Update a refund dispute's figures or mark it resolved."""
        dispute = self.get_object()
        current = {
            "students": dispute.students,
            "amount_disputed_fen": dispute.amount_disputed_fen,
            "amount_recovered_fen": dispute.amount_recovered_fen,
            "resolved": dispute.status == RefundDispute.Status.RESOLVED,
        }
        serializer = s.RefundDisputeUpdateSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        dispute = refunds.refund_dispute_record(
            actor=request.user,
            complaint=dispute.complaint,
            **(current | serializer.validated_data if partial else serializer.validated_data),
        )
        return Response(self.get_serializer(dispute).data)

    @extend_schema(request=s.RefundDisputeUpdateSerializer, responses=s.RefundDisputeSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Update some of a refund dispute's figures."""
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses=s.RefundTotalsSerializer, filters=False)
    @action(detail=False, methods=["get"], permission_verb="view")
    def totals(self, request):
        """Refund disputes summed per district of the user's subtree, and overall."""
        queryset = self.get_queryset()
        total = selectors.refund_grand_total(queryset=queryset)
        data = {
            "districts": selectors.refund_totals(queryset=queryset),
            # An empty subtree sums to 0, not null.
            "total": {key: value or 0 for key, value in total.items()},
        }
        return Response(s.RefundTotalsSerializer(data).data)
