from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bureaus.forms import ScopedForm, ScopedModelChoiceField
from funds.models import EscrowAccount, LedgerEntry
from institutions.models import Institution


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "---------"), *LedgerEntry.Kind.choices]
    )
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("Until"), required=False)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProposeSuspensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why suspend"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (.csv or .xlsx)"),
        help_text=_(
            "Columns: 账号, 交易日期, 交易流水号, 交易类型 (收费入账/课消划拨/退费/存入保证金/"
            "支取保证金), 金额 (yuan), 合同编号 (for 收费入账), 摘要."
        ),
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YuanField(forms.DecimalField):
    """An amount typed in yuan (at most two decimals), cleaned to an integer of fen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value / 100:.2f}"
        return super().prepare_value(value)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


FEN_FIELDS = (
    "minimum_fixed_fen",
    "yellow_threshold_fen",
    "single_outflow_limit_fen",
    "daily_outflow_limit_fen",
)


class AccountForm(ScopedForm):
    """Open or edit an escrow account. The account number is typed in full once and shown
    masked afterwards: on edit it is left empty to keep the number on file."""

    institution = ScopedModelChoiceField(
        Institution.objects.order_by("name"), label=_("Institution")
    )
    bank = forms.CharField(label=_("Bank"), max_length=100)
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    agreed_on = forms.DateField(label=_("Agreement date"), widget=DATE)
    mode = forms.ChoiceField(label=_("Mode"), choices=EscrowAccount.Mode.choices)
    minimum_kind = forms.ChoiceField(
        label=_("Minimum balance"), choices=EscrowAccount.MinimumKind.choices
    )
    minimum_fixed_fen = YuanField(label=_("Minimum balance (yuan)"), initial=0)
    minimum_share_pct = forms.IntegerField(
        label=_("Minimum share of unconsumed fees (%)"), min_value=0, max_value=100, initial=0
    )
    yellow_threshold_fen = YuanField(label=_("Yellow warning below (yuan)"), initial=0)
    follows_defaults = forms.BooleanField(
        label=_("Thresholds follow the bureau's defaults"),
        required=False,
        help_text=_(
            "The minimum balance (red) and the yellow threshold set by the district, or "
            "inherited from the city, replace the two figures above."
        ),
    )
    single_outflow_limit_fen = YuanField(label=_("Single outflow limit (yuan)"), initial=50_000_00)
    daily_outflow_limit_fen = YuanField(label=_("Daily outflow limit (yuan)"), initial=100_000_00)
    deposit_within_days = forms.IntegerField(
        label=_("Fees deposited within (days)"), min_value=0, max_value=365, initial=3
    )
    silent_after_days = forms.IntegerField(
        label=_("Silent account after (days)"), min_value=1, max_value=3650, initial=30
    )

    def __init__(self, *args, account=None, defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        if account is not None:
            del self.fields["institution"]
            masked = account.masked_account_number
            self.fields["account_number"].required = False
            self.fields["account_number"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it."
            ) % {"masked": masked}
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=EscrowAccount.Status.choices
            )
        elif defaults is not None:
            # A new account starts from the district's defaults (or the city's).
            if defaults.red_fen is not None:
                self.fields["minimum_fixed_fen"].initial = defaults.red_fen
            if defaults.yellow_fen is not None:
                self.fields["yellow_threshold_fen"].initial = defaults.yellow_fen
            self.fields["follows_defaults"].initial = (
                defaults.red_fen is not None or defaults.yellow_fen is not None
            )

    def clean_account_number(self):
        number = "".join(self.cleaned_data.get("account_number", "").split())
        if number and (not number.isdigit() or not 8 <= len(number) <= 30):
            raise forms.ValidationError(_("Enter the account number (8 to 30 digits)."))
        return number

    def clean(self):
        cleaned = super().clean()
        minimum, yellow = cleaned.get("minimum_fixed_fen"), cleaned.get("yellow_threshold_fen")
        if minimum is not None and yellow is not None and 0 < yellow < minimum:
            self.add_error(
                "yellow_threshold_fen",
                _("The yellow threshold warns before the red one: it cannot be below it."),
            )
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("institution", None)
        if self.account is None:
            fields.pop("status", None)
        return fields


class FeeRecordForm(ScopedForm):
    """Record a purchase; a charge over the fee cap is refused unless recorded as a violation."""

    institution = ScopedModelChoiceField(
        Institution.objects.order_by("name"), label=_("Institution")
    )
    student_name = forms.CharField(
        label=_("Student"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    course_name = forms.CharField(label=_("Course"), max_length=200)
    contract_number = forms.CharField(label=_("Contract number"), max_length=60)
    amount_fen = YuanField(label=_("Amount (yuan)"), min_value=Decimal("0.01"))
    collected_on = forms.DateField(label=_("Collected on"), widget=DATE)
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    class_hours = forms.IntegerField(label=_("Class hours"), min_value=1, max_value=10_000)
    record_as_violation = forms.BooleanField(
        label=_("Record as a violation of the fee cap"),
        required=False,
        help_text=_("Only for a charge that was collected over the cap: it is listed as such."),
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        if record is not None:
            del self.fields["institution"]
            self.fields["student_name"].required = False
            self.fields["student_name"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it."
            ) % {"masked": record.masked_student_name}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("institution", None)
        return fields


class FundSettingsForm(forms.Form):
    red_threshold_fen = YuanField(
        label=_("Red warning below (minimum balance, yuan)"),
        required=False,
        help_text=_("Empty: inherit the figure of the bureau above."),
    )
    yellow_threshold_fen = YuanField(
        label=_("Yellow warning below (yuan)"),
        required=False,
        help_text=_("Empty: inherit the figure of the bureau above."),
    )
    basis = forms.CharField(label=_("Basis (document number)"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        red, yellow = cleaned.get("red_threshold_fen"), cleaned.get("yellow_threshold_fen")
        if red is not None and yellow is not None and yellow < red:
            self.add_error(
                "yellow_threshold_fen",
                _("The yellow threshold warns before the red one: it cannot be below it."),
            )
        return cleaned
