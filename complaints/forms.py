"""Forms for tip-offs: the public submission and tracking, staff intake, each workflow step,
supervision orders, rewards and refund disputes. Errors are in Chinese by default."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bureaus.forms import ScopedForm, ScopedModelChoiceField
from bureaus.models import Bureau
from complaints import selectors, uploads
from complaints.models import Complaint, RefundDispute
from core.validators import phone_error, phone_normalize
from core.widgets import UserPicker
from institutions.models import Institution
from institutions.widgets import InstitutionPicker


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to six photos or PDFs, each checked by content (complaints.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(f, initial) for f in files]
        return uploads.clean_uploads(files)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ReporterMixin:
    def clean_reporter_phone(self):
        phone = phone_normalize(self.cleaned_data.get("reporter_phone", ""))
        error = phone_error(phone)
        if error:
            raise ValidationError(error)
        return phone

    def clean_observed_on(self):
        day = self.cleaned_data.get("observed_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return day


class PublicComplaintForm(_ReporterMixin, forms.Form):
    """The public tip-off form: no login, anonymous allowed."""

    institution = forms.IntegerField(required=False, widget=forms.HiddenInput)
    institution_name = forms.CharField(
        label=_("Institution name"),
        max_length=200,
        required=False,
        help_text=_("Type to search the registry, or write the name you saw on the sign."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    institution_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    district = forms.TypedChoiceField(
        label=_("District"),
        coerce=int,
        required=False,
        help_text=_("Not needed when the institution was picked from the registry."),
    )
    # No category is chosen for the reporter: an unread default would misfile the tip-off.
    category = forms.ChoiceField(
        label=_("What is wrong"),
        choices=[("", _("Choose what is wrong")), *Complaint.Category.choices],
    )
    description = forms.CharField(
        label=_("Description"),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, when and where; class times, subjects, fees."),
    )
    observed_on = forms.DateField(label=_("When observed"), required=False, widget=_date_input())
    files = MultipleFileField(
        label=_("Photos or PDF"),
        help_text=_("Up to 6 files. Location and camera data are removed from photos."),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_(
            "Optional. Leave name and phone to be eligible for a reward; they are encrypted "
            "and only the handler of your tip-off can see them."
        ),
    )
    # Honeypot: hidden from people by CSS; bots fill every field.
    website = forms.CharField(required=False, label="website")
    # The token of files kept from an earlier attempt that had errors (complaints.uploads).
    held = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [
            ("", _("Choose a district")),
            *selectors.district_choices(),
        ]

    def clean_files(self):
        # Files kept from an earlier attempt count towards the six, and come first.
        new = self.cleaned_data.get("files") or []
        held = uploads.held_load(self.data.get("held"))
        if len(held) + len(new) > uploads.MAX_FILES:
            raise ValidationError(_("At most %(n)s files."), params={"n": uploads.MAX_FILES})
        self.new_files = new
        return held + new

    def hold_files(self) -> str | None:
        """After errors: keep the files that passed their checks, so they are not sent again.
        Returns the token to put back in the form (None when nothing is kept)."""
        token = self.data.get("held") or None
        new = getattr(self, "new_files", [])
        if new:
            token = uploads.held_add(token, new)
        return token if uploads.held_kinds(token) else None

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("This submission was not accepted."), code="honeypot")
        institution = None
        if data.get("institution"):
            institution = selectors.institution_public_get(pk=data["institution"])
            if institution is None:
                self.add_error("institution_name", _("Pick the institution again."))
        data["institution_obj"] = institution
        if institution is None:
            if not data.get("institution_name"):
                self.add_error("institution_name", _("Pick the institution or write its name."))
            if not data.get("district"):
                self.add_error("district", _("Choose the district where the institution is."))
            else:
                data["bureau"] = Bureau.objects.filter(
                    pk=data["district"], level=Bureau.Level.DISTRICT
                ).first()
        else:
            data["bureau"] = institution.bureau
        if bool(data.get("reporter_name")) != bool(data.get("reporter_phone")):
            self.add_error(
                "reporter_phone", _("Leave both name and phone, or neither (anonymous).")
            )
        return data


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(
        label=_("Secret"), max_length=30, widget=forms.PasswordInput(render_value=False)
    )


class StaffComplaintForm(_ReporterMixin, ScopedForm):
    """A tip-off received by telephone, letter, visit, the 12345 hotline or from a superior."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Complaint.Channel.choices if c[0] != Complaint.Channel.WEB],
    )
    external_ref = forms.CharField(
        label=_("Work-order number"),
        max_length=50,
        required=False,
        help_text=_("Required for the 12345 hotline."),
    )
    institution = ScopedModelChoiceField(
        Institution.objects.all(),
        label=_("Institution in the registry"),
        required=False,
        widget=InstitutionPicker,
    )
    institution_name = forms.CharField(label=_("Institution name"), max_length=200, required=False)
    institution_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Complaint.Category.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    observed_on = forms.DateField(label=_("When observed"), required=False, widget=_date_input())
    reporter_name = forms.CharField(label=_("Reporter name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Reporter phone"), max_length=20, required=False)
    files = MultipleFileField(label=_("Photos or PDF"))

    def clean(self):
        data = super().clean()
        if not data.get("institution") and not data.get("institution_name"):
            self.add_error("institution_name", _("Pick the institution or write its name."))
        if data.get("channel") == Complaint.Channel.HOTLINE and not data.get("external_ref"):
            self.add_error("external_ref", _("A 12345 tip-off needs its work-order number."))
        return data


class NoteOnlyForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    public_reply = forms.CharField(
        label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Tracking code of the original tip-off"), max_length=20)
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint = complaint

    def clean_into(self):
        code = self.cleaned_data["into"].strip().upper()
        target = Complaint.objects.filter(
            bureau_id=self.complaint.bureau_id, tracking_code=code
        ).first()
        if target is None or target.pk == self.complaint.pk:
            raise ValidationError(_("No other tip-off of your district has this code."))
        return target


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Handler"),
        coerce=int,
        widget=UserPicker(url=reverse_lazy("complaints:handler-autocomplete")),
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {u.pk: u for u in selectors.assignable_users(bureau_id=complaint.bureau_id)}
        self.fields["assignee"].choices = [(pk, str(u)) for pk, u in self.users.items()]
        self.fields["assignee"].widget.labels = {pk: str(u) for pk, u in self.users.items()}

    def clean_assignee(self):
        return self.users[self.cleaned_data["assignee"]]


class InvestigationNoteForm(forms.Form):
    note = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Photos or PDF"))


class LinkInstitutionForm(ScopedForm):
    institution = ScopedModelChoiceField(
        Institution.objects.all(), label=_("Institution in the registry"), widget=InstitutionPicker
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Complaint.Outcome.choices, widget=forms.RadioSelect
    )
    public_reply = forms.CharField(
        label=_("Reply to the reporter"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public tracking page. Do not name the reporter."),
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class RewardForm(forms.Form):
    amount_yuan = forms.IntegerField(
        label=_("Reward (yuan)"), min_value=200, max_value=2000, help_text=_("200 to 2000 yuan.")
    )


class RewardDateForm(forms.Form):
    step = forms.ChoiceField(choices=[("notify", "notify"), ("claim", "claim")])
    on = forms.DateField(label=_("Date"), widget=_date_input())


class RefundDisputeForm(forms.Form):
    students = forms.IntegerField(label=_("Students involved"), min_value=0)
    amount_disputed = forms.DecimalField(
        label=_("Amount in dispute (yuan)"), min_value=0, decimal_places=2, max_digits=14
    )
    amount_recovered = forms.DecimalField(
        label=_("Amount recovered (yuan)"), min_value=0, decimal_places=2, max_digits=14
    )
    resolved = forms.BooleanField(
        label=pgettext_lazy("refund dispute status", "Resolved"), required=False
    )

    @classmethod
    def for_dispute(cls, dispute: RefundDispute | None, **kwargs):
        initial = None
        if dispute is not None:
            initial = {
                "students": dispute.students,
                "amount_disputed": Decimal(dispute.amount_disputed_fen) / 100,
                "amount_recovered": Decimal(dispute.amount_recovered_fen) / 100,
                "resolved": dispute.status == RefundDispute.Status.RESOLVED,
            }
        return cls(initial=initial, **kwargs)

    def fen(self) -> dict:
        return {
            "students": self.cleaned_data["students"],
            "amount_disputed_fen": _fen(self.cleaned_data["amount_disputed"]),
            "amount_recovered_fen": _fen(self.cleaned_data["amount_recovered"]),
            "resolved": self.cleaned_data["resolved"],
        }


class SupervisionOrderForm(forms.Form):
    district = forms.TypedChoiceField(label=_("District"), coerce=int)
    complaint_code = forms.CharField(
        label=_("Tip-off tracking code"),
        max_length=20,
        required=False,
        help_text=_("Leave empty for a matter that is not a tip-off."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Answer due"), widget=_date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {
            b.pk: b for b in Bureau.objects.visible_to(user).filter(level=Bureau.Level.DISTRICT)
        }
        self.fields["district"].choices = [(pk, b.name) for pk, b in self.districts.items()]

    def clean(self):
        data = super().clean()
        district = self.districts.get(data.get("district"))
        data["district_obj"] = district
        data["complaint"] = None
        code = (data.get("complaint_code") or "").strip().upper()
        if code and district is not None:
            data["complaint"] = Complaint.objects.filter(
                bureau=district, tracking_code=code
            ).first()
            if data["complaint"] is None:
                self.add_error("complaint_code", _("No tip-off of that district has this code."))
        return data


class SupervisionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the district found and did."),
    )


class ComplaintPolicyForm(forms.Form):
    reply_days = forms.IntegerField(
        label=_("Reply within (working days)"),
        min_value=1,
        max_value=90,
        help_text=_("Seed 004 永川: the reporter is told the outcome within 10 days."),
    )
    claim_days = forms.IntegerField(
        label=_("Reward claim window (working days)"), min_value=1, max_value=90
    )
