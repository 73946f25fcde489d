from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import LedgerEntry


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


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (.csv or .xlsx)"),
        help_text=_(
            "Columns: 账号, 交易日期, 交易流水号, 交易类型 (收费入账/课消划拨/退费/存入保证金/"
            "支取保证金), 金额 (yuan), 合同编号 (for 收费入账), 摘要."
        ),
    )
