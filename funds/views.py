"""Staff pages: accounts with coverage figures, an account's ledger (running balance, filters),
fee records and violations, the warnings inbox and a warning's steps. Account numbers and
students are shown masked, to the district and to its superiors alike."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from bureaus.models import AuditEvent
from bureaus.pages import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from bureaus.permissions import membership_may
from core import notifications
from core import spreadsheets as sheets
from core.errors import form_add_errors
from core.views import RecordActionView
from funds import forms, selectors
from funds.models import (
    EscrowAccount,
    FeeRecord,
    FundSettings,
    FundWarning,
    LedgerEntry,
    StatementImport,
)
from funds.services import accounts, fees, statements, suspension, thresholds, warnings


class AccountListView(ScopedListView):
    """Escrow accounts of the user's subtree, with coverage per district."""

    model = EscrowAccount
    permission_object = "escrowaccount"
    template_name = "funds/account_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        self.scoped = queryset
        return queryset.select_related("institution", "bureau").order_by("bureau__code", "id")

    def get_context_data(self, **kwargs):
        rows = selectors.coverage(bureau_ids=self.membership.bureau.subtree_ids())
        return super().get_context_data(
            coverage=rows, coverage_total=selectors.coverage_total(rows), **kwargs
        )


class AccountDetailView(ScopedDetailView):
    """One account: its settings, unresolved warnings and ledger with running balance."""

    model = EscrowAccount
    permission_object = "escrowaccount"
    template_name = "funds/account_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "bureau")

    def get_context_data(self, **kwargs):
        account = self.object
        form = forms.LedgerFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        before = self.request.GET.get("before", "")
        entries, older = selectors.ledger_page(
            account=account,
            kind=filters.get("kind", ""),
            since=filters.get("since"),
            until=filters.get("until"),
            before=int(before) if before.isdigit() else None,
        )
        query = self.request.GET.copy()
        query.pop("before", None)
        newest = query.urlencode()
        if older:
            query["before"] = older
        minimum_fen, yellow_fen = warnings.thresholds_of(account)
        return super().get_context_data(
            filter_form=form,
            entries=entries,
            older_query=query.urlencode() if older else None,
            newest_query=newest if before else None,
            warnings=selectors.unresolved_warnings(account.warnings.all()),
            minimum_fen=minimum_fen,
            yellow_fen=yellow_fen,
            may_change=membership_may(self.membership, "escrowaccount.change")
            and account.bureau_id == self.membership.bureau_id,
            **kwargs,
        )


class FeeRecordListView(ScopedListView):
    """Fee records (students masked), violations of the fee cap listed per institution."""

    model = FeeRecord
    permission_object = "feerecord"
    template_name = "funds/feerecord_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        self.scoped = queryset
        if self.request.GET.get("violations"):
            queryset = queryset.filter(violates_cap=True)
        return queryset.select_related("institution", "bureau")

    def get_context_data(self, **kwargs):
        return super().get_context_data(violations=selectors.violations(self.scoped), **kwargs)


class FeeRecordDetailView(ScopedDetailView):
    model = FeeRecord
    permission_object = "feerecord"
    template_name = "funds/feerecord_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        notifications.notifications_mark_read(user=request.user, link=request.path)
        return response

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "bureau")

    def get_context_data(self, **kwargs):
        record = self.object
        return super().get_context_data(
            lessons=record.lessons.all(),
            refunds=record.refunds.all(),
            entries=record.entries.all(),
            **kwargs,
        )


class WarningListView(ScopedListView):
    """The district's warning inbox (unresolved first); superiors read their districts'."""

    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        status = self.request.GET.get("status", "")
        if status in FundWarning.Status.values:
            queryset = queryset.filter(status=status)
        elif not self.request.GET.get("all"):
            queryset = queryset.filter(status__in=FundWarning.UNRESOLVED)
        level = self.request.GET.get("level", "")
        if level in FundWarning.Level.values:
            queryset = queryset.filter(level=level)
        return queryset.select_related("account__institution", "bureau")


class WarningDetailView(ScopedDetailView):
    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        notifications.notifications_mark_read(user=request.user, link=request.path)
        return response

    def scope_queryset(self, queryset):
        return queryset.select_related("account__institution", "bureau")

    def get_context_data(self, **kwargs):
        membership = self.membership
        return super().get_context_data(
            allowed=warnings.WARNING_FLOW.available(self.object, membership=membership),
            suspension_steps=suspension.SUSPENSION_FLOW.available(
                self.object, membership=membership
            ),
            may_change=membership_may(membership, "fundwarning.acknowledge"),
            **kwargs,
        )


class _WarningStep(RecordActionView):
    model = FundWarning
    permission_object = "fundwarning"
    template_name = "funds/warning_step.html"
    success_url_name = "funds:warning-detail"

    def allowed_steps(self, record, membership):
        return warnings.WARNING_FLOW.available(record, membership=membership)


class WarningAcknowledgeView(_WarningStep):
    permission_verb = "acknowledge"
    step = "acknowledge"
    form_class = forms.AcknowledgeForm
    title = _("Acknowledge the warning")

    def perform(self, form):
        warnings.warning_acknowledge(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class WarningResolveView(_WarningStep):
    permission_verb = "resolve"
    step = "resolve"
    form_class = forms.ResolveForm
    title = _("Resolve the warning")

    def perform(self, form):
        warnings.warning_resolve(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class _SuspensionStep(_WarningStep):
    def allowed_steps(self, record, membership):
        return suspension.SUSPENSION_FLOW.available(record, membership=membership)


class WarningProposeSuspensionView(_SuspensionStep):
    permission_verb = "propose"
    step = "propose"
    form_class = forms.ProposeSuspensionForm
    title = _("Propose suspending the institution")

    def perform(self, form):
        suspension.warning_propose_suspension(
            actor=self.request.user, warning=self.object, reason=form.cleaned_data["reason"]
        )


class WarningConfirmSuspensionView(_SuspensionStep):
    permission_verb = "suspend"
    step = "confirm"
    form_class = forms.ResolveForm
    title = _("Confirm the suspension (停办整改)")

    def perform(self, form):
        suspension.warning_confirm_suspension(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class WarningDeclineSuspensionView(_SuspensionStep):
    permission_verb = "suspend"
    step = "decline"
    form_class = forms.AcknowledgeForm
    title = _("Decline the suspension")

    def perform(self, form):
        suspension.warning_decline_suspension(
            actor=self.request.user, warning=self.object, note=form.cleaned_data["note"]
        )


class StatementImportListView(ScopedListView):
    """Statement imports of the subtree; the district's officers upload a file here."""

    model = StatementImport
    permission_object = "statementimport"
    template_name = "funds/statementimport_list.html"
    paginate_by = 50

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau")

    def _may_upload(self):
        return membership_may(self.membership, "statementimport.change")

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None)
        if form is None and self._may_upload():
            form = forms.StatementUploadForm()
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self._may_upload():
            raise PermissionDenied
        form = forms.StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = statements.statement_import_create(
                    actor=request.user,
                    bureau=self.membership.bureau,
                    upload=form.cleaned_data["file"],
                )
            except sheets.FileRefused as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("funds:statementimport-detail", pk=job.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StatementImportDetailView(ScopedDetailView):
    """One import: its progress (polled by htmx while the job runs) and its report, line by
    line."""

    model = StatementImport
    permission_object = "statementimport"
    template_name = "funds/statementimport_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["funds/_statementimport_progress.html"]
        return [self.template_name]


def _safe(value: str) -> str:
    """A cell a spreadsheet program would read as a formula is neutralised."""
    return ("'" + value) if value[:1] in "=+-@" else value


class LedgerExportView(ScopedDetailView):
    """An account's ledger as .xlsx, with running balance (the account number masked)."""

    model = EscrowAccount
    permission_object = "escrowaccount"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution")

    def get(self, request, *args, **kwargs):
        account = self.get_object()
        kinds = dict(LedgerEntry.Kind.choices)
        header = [
            gettext_now("Booked on"),
            gettext_now("Type"),
            gettext_now("Amount (yuan)"),
            gettext_now("Balance after (yuan)"),
            gettext_now("Bank reference"),
            gettext_now("Note"),
        ]
        rows = (
            [
                e.booked_on.isoformat(),
                str(kinds[e.kind]),
                e.amount_fen / 100,
                e.balance_after_fen / 100,
                e.bank_reference,
                e.note,
            ]
            for e in selectors.ledger_entries(account=account).iterator()
        )
        title = f"{account.institution.name} {account.masked_account_number}"[:31]
        content = sheets.write_only_workbook(title.replace("*", "x"), header, rows)
        return sheets.xlsx_response(content, f"ledger-{account.pk}.xlsx")


class FeeRecordExportView(ScopedListView):
    """Fee records as CSV (students masked); ?violations=1 for the violations only."""

    model = FeeRecord
    permission_object = "feerecord"
    paginate_by = None

    def scope_queryset(self, queryset):
        if self.request.GET.get("violations"):
            queryset = queryset.filter(violates_cap=True)
        return queryset.select_related("institution", "bureau")

    def get(self, request, *args, **kwargs):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="fee-records.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                gettext_now("District"),
                gettext_now("Institution"),
                gettext_now("Contract number"),
                gettext_now("Student"),
                gettext_now("Course"),
                gettext_now("Amount (yuan)"),
                gettext_now("Collected on"),
                gettext_now("Period start"),
                gettext_now("Period end"),
                gettext_now("Class hours"),
                gettext_now("Violation"),
            ]
        )
        for r in self.get_queryset().iterator():
            writer.writerow(
                [
                    r.bureau.name,
                    _safe(r.institution.name),
                    _safe(r.contract_number),
                    r.masked_student_name,
                    _safe(r.course_name),
                    f"{r.amount_fen / 100:.2f}",
                    r.collected_on.isoformat(),
                    r.period_start.isoformat(),
                    r.period_end.isoformat(),
                    r.class_hours,
                    r.violation,
                ]
            )
        return response


class _ServiceFormPage:
    """A create or edit page whose form is a plain ScopedForm saved through a service."""

    template_name = "bureaus/form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext_now("Saved."))
        return HttpResponseRedirect(self.success_url_for(self.object))


class AccountCreateView(_ServiceFormPage, ScopedCreateView):
    """Open an escrow account for an institution of the district."""

    model = EscrowAccount
    form_class = forms.AccountForm
    permission_object = "escrowaccount"

    def get_form_kwargs(self):
        defaults = thresholds.defaults_for(self.membership.bureau_id)
        return {**super().get_form_kwargs(), "defaults": defaults}

    def get_initial(self):
        return {"institution": self.request.GET.get("institution", "")}

    def save(self, form):
        fields = form.service_fields()
        return accounts.account_open(
            actor=self.request.user, institution=form.cleaned_data["institution"], **fields
        )

    def success_url_for(self, account):
        return reverse("funds:account-detail", args=[account.pk])


class AccountUpdateView(_ServiceFormPage, ScopedUpdateView):
    """Change an account's settings (never its balance); the number stays masked."""

    model = EscrowAccount
    form_class = forms.AccountForm
    permission_object = "escrowaccount"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.object}

    def get_initial(self):
        account = self.object
        names = [*accounts.SETTINGS, "status"]
        return {name: getattr(account, name) for name in names}

    def save(self, form):
        return accounts.account_update(
            actor=self.request.user, account=self.object, **form.service_fields()
        )

    def success_url_for(self, account):
        return reverse("funds:account-detail", args=[account.pk])


FEE_FIELDS = (
    "course_name",
    "contract_number",
    "amount_fen",
    "collected_on",
    "period_start",
    "period_end",
    "class_hours",
)


class FeeRecordCreateView(_ServiceFormPage, ScopedCreateView):
    model = FeeRecord
    form_class = forms.FeeRecordForm
    permission_object = "feerecord"

    def save(self, form):
        return fees.fee_record_create(
            actor=self.request.user,
            institution=form.cleaned_data["institution"],
            **form.service_fields(),
        )

    def success_url_for(self, record):
        return reverse("funds:feerecord-detail", args=[record.pk])


class FeeRecordUpdateView(_ServiceFormPage, ScopedUpdateView):
    model = FeeRecord
    form_class = forms.FeeRecordForm
    permission_object = "feerecord"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "record": self.object}

    def get_initial(self):
        initial = {name: getattr(self.object, name) for name in FEE_FIELDS}
        return {**initial, "record_as_violation": self.object.violates_cap}

    def save(self, form):
        return fees.fee_record_update(
            actor=self.request.user, record=self.object, **form.service_fields()
        )

    def success_url_for(self, record):
        return reverse("funds:feerecord-detail", args=[record.pk])


class FundSettingsView(ScopedListView):
    """Default warning thresholds: the acting bureau's own (a form for who may set them), what
    is in force through inheritance, and the rows of the bureaus below."""

    model = FundSettings
    permission_object = "fundsettings"
    template_name = "funds/fundsettings.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau").order_by("bureau__path")

    def _may_change(self):
        return membership_may(self.membership, "fundsettings.change")

    def get_context_data(self, **kwargs):
        bureau = self.membership.bureau
        form = kwargs.pop("form", None)
        if form is None and self._may_change():
            own = thresholds.settings_for(bureau)
            form = forms.FundSettingsForm(
                initial={
                    "red_threshold_fen": own.red_threshold_fen,
                    "yellow_threshold_fen": own.yellow_threshold_fen,
                    "basis": own.basis,
                }
            )
        history = []
        if membership_may(self.membership, "auditevent.view"):
            history = list(
                AuditEvent.objects.visible_to(self.request.user)
                .filter(model="funds.fundsettings")
                .order_by("-at")[:20]
            )
        return super().get_context_data(
            form=form,
            in_force=thresholds.defaults_for(bureau.pk),
            history=history,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self._may_change():
            raise PermissionDenied
        form = forms.FundSettingsForm(request.POST)
        if form.is_valid():
            try:
                thresholds.fund_settings_set(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, gettext_now("Saved."))
                return redirect("funds:settings")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)
