"""The escrow API: accounts, the ledger (filters by account, type and dates; each entry with
its running balance), fee records (violations filter), warnings and their two steps."""

from django.utils.dateparse import parse_date
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from bureaus.api.base import ScopedReadOnlyViewSet
from core import spreadsheets as sheets
from core.api.workflow import workflow_action
from funds.api import serializers as s
from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry, StatementImport
from funds.services import statements, warnings


class EscrowAccountViewSet(ScopedReadOnlyViewSet):
    queryset = EscrowAccount.objects.all()
    serializer_class = s.EscrowAccountSerializer
    permission_object = "escrowaccount"

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "institution").order_by("id")


class LedgerCursor(CursorPagination):
    """Keyset pages, newest first (`next` carries an opaque cursor on the id): a page costs the
    same at any depth of a ledger of millions of entries. Each entry carries the balance after
    it, so the running balance is right on every page."""

    ordering = "-id"
    page_size = 50


class LedgerEntryViewSet(ScopedReadOnlyViewSet):
    """?account=<id>&kind=<type>&since=<date>&until=<date>; pages by cursor (keyset)."""

    queryset = LedgerEntry.objects.all()
    serializer_class = s.LedgerEntrySerializer
    permission_object = "ledgerentry"
    pagination_class = LedgerCursor

    def scope_queryset(self, queryset):
        params = self.request.query_params
        if params.get("account", "").isdigit():
            queryset = queryset.filter(account_id=int(params["account"]))
        if params.get("kind") in LedgerEntry.Kind.values:
            queryset = queryset.filter(kind=params["kind"])
        for name, lookup in (("since", "booked_on__gte"), ("until", "booked_on__lte")):
            day = parse_date(params.get(name, "") or "") if params.get(name) else None
            if day:
                queryset = queryset.filter(**{lookup: day})
        return queryset.order_by("-id")


class FeeRecordViewSet(ScopedReadOnlyViewSet):
    """?violations=1 lists the fee-cap violations only."""

    queryset = FeeRecord.objects.all()
    serializer_class = s.FeeRecordSerializer
    permission_object = "feerecord"

    def scope_queryset(self, queryset):
        if self.request.query_params.get("violations"):
            queryset = queryset.filter(violates_cap=True)
        return queryset.select_related("institution")


def _allowed(warning):
    return warnings.WARNING_FLOW.open_to(warning)


class FundWarningViewSet(ScopedReadOnlyViewSet):
    """?status=open|acknowledged|resolved"""

    queryset = FundWarning.objects.all()
    serializer_class = s.FundWarningSerializer
    permission_object = "fundwarning"

    def scope_queryset(self, queryset):
        status = self.request.query_params.get("status")
        if status in FundWarning.Status.values:
            queryset = queryset.filter(status=status)
        return queryset.select_related("account__institution")

    acknowledge = workflow_action(
        "acknowledge",
        serializer_class=s.AcknowledgeSerializer,
        service=warnings.warning_acknowledge,
        output=s.FundWarningSerializer,
        record="warning",
        allowed=_allowed,
        verb="acknowledge",
    )
    resolve = workflow_action(
        "resolve",
        serializer_class=s.ResolveSerializer,
        service=warnings.warning_resolve,
        output=s.FundWarningSerializer,
        record="warning",
        allowed=_allowed,
        verb="resolve",
    )


class StatementImportViewSet(ScopedReadOnlyViewSet):
    """Bank statement imports. POST a file (multipart, field "file") to import one in the
    background: 202 with the job (its `url` to follow: state, progress, delivery, the report);
    400 when the file does not read or its header is wrong (no job). GET the job for its
    state: queued, running, booking, then done (booked, already booked) or refused (the
    line-by-line errors; nothing written)."""

    queryset = StatementImport.objects.all()
    serializer_class = s.StatementImportSerializer
    permission_object = "statementimport"

    def scope_queryset(self, queryset):
        return queryset.order_by("-created_at", "-id")

    @extend_schema(
        request={"multipart/form-data": s.StatementUploadSerializer},
        responses={202: s.StatementImportSerializer},
    )
    def create(self, request):
        if self.membership is None:
            raise PermissionDenied
        upload = s.StatementUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            job = statements.statement_import_create(
                actor=request.user,
                bureau=self.membership.bureau,
                upload=upload.validated_data["file"],
            )
        except sheets.FileRefused as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        data = s.StatementImportSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
