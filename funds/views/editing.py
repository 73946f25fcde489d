"""Forms that open and change accounts and fee records, and the bureau's default
thresholds."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy

from bureaus.pages import ScopedCreateView, ScopedListView, ScopedUpdateView
from bureaus.permissions import membership_may
from core.errors import form_add_errors
from core.views import ServiceFormMixin
from funds import forms
from funds.models import (
    EscrowAccount,
    FeeRecord,
    FundSettings,
)
from funds.services import accounts, fees, thresholds


class _ServiceFormPage(ServiceFormMixin):
    """A create or edit page whose form is a plain ScopedForm saved through a service
    (`save(form)` returns the record), then the record's page (`success_url_name`)."""

    template_name = "bureaus/form.html"
    success_message = gettext_lazy("Saved.")
    success_url_name = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def save(self, form):
        raise NotImplementedError

    def perform(self, form):
        self.object = self.save(form)

    def get_success_url(self):
        return reverse(self.success_url_name, args=[self.object.pk])


class AccountCreateView(_ServiceFormPage, ScopedCreateView):
    """Open an escrow account for an institution of the district."""

    model = EscrowAccount
    form_class = forms.AccountForm
    permission_object = "escrowaccount"
    success_url_name = "funds:account-detail"

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


class AccountUpdateView(_ServiceFormPage, ScopedUpdateView):
    """Change an account's settings (never its balance); the number stays masked."""

    model = EscrowAccount
    form_class = forms.AccountForm
    permission_object = "escrowaccount"
    success_url_name = "funds:account-detail"

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
    success_url_name = "funds:feerecord-detail"

    def save(self, form):
        return fees.fee_record_create(
            actor=self.request.user,
            institution=form.cleaned_data["institution"],
            **form.service_fields(),
        )


class FeeRecordUpdateView(_ServiceFormPage, ScopedUpdateView):
    model = FeeRecord
    form_class = forms.FeeRecordForm
    permission_object = "feerecord"
    success_url_name = "funds:feerecord-detail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "record": self.object}

    def get_initial(self):
        initial = {name: getattr(self.object, name) for name in FEE_FIELDS}
        return {**initial, "record_as_violation": self.object.violates_cap}

    def save(self, form):
        return fees.fee_record_update(
            actor=self.request.user, record=self.object, **form.service_fields()
        )


class FundSettingsView(ScopedListView):
    """Default warning thresholds: the acting bureau's own (a form for who may set them), what
    is in force through inheritance, and the rows of the bureaus below."""

    model = FundSettings
    permission_object = "fundsettings"
    title = gettext_lazy("Warning thresholds")
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
        return super().get_context_data(
            form=form,
            in_force=thresholds.defaults_for(bureau.pk),
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
