"""The tip-off inbox and its export, staff intake, the district's deadlines and the refund
dispute list."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic.edit import FormView

from bureaus.pages import ScopedListView, ScopedPageMixin
from bureaus.permissions import membership_may
from complaints import forms, selectors
from complaints.filters import ComplaintFilterSet
from complaints.models import Complaint, ComplaintPolicy, RefundDispute
from complaints.services import handling, intake
from complaints.tables import ComplaintTable, InboxRow, inbox_rows
from core import notifications
from core.api.compiled import CompiledPaginator
from core.errors import form_add_errors
from core.tables import TableListMixin, empty_reads_all, joined_rows
from core.views import ScopedFormView
from core.widgets import UserPicker

# The inbox's bulk actions: each through its workflow step, record by record.
BULK_ACTIONS = {"accept": "complaint.change", "assign": "complaint.assign"}
BULK_MAX = 100


class ComplaintListView(TableListMixin, ScopedListView):
    """The inbox: filters, due dates, overdue first when asked; sortable columns, page size,
    column choice, a district filter for superiors (core.tables); bulk accept and assign."""

    model = Complaint
    permission_object = "complaint"
    template_name = "complaints/complaint_list.html"
    paginator_class = CompiledPaginator
    # The rows are read as values (complaints.tables.InboxRow), their labels and links set there.
    table_class = ComplaintTable
    list_key = "complaints"

    def scope_queryset(self, queryset):
        # The district filter and the order first, the filters over them: the filtered
        # queryset is built only when the request's shape is new. Its SQL depends on the scope,
        # the user, today and the query string only (as the inbox API's): compiled once per
        # shape (core.tables.compiled_rows). The filter form is bound all the same.
        self.filterset = ComplaintFilterSet(
            self.request.GET, queryset=self.table_order(queryset), request=self.request
        )
        return self.compiled_rows(
            lambda: InboxRow.values(self.filterset.qs), counted=lambda: self.filterset.qs
        )

    def get_context_data(self, **kwargs):
        membership = self.membership
        bulk = {
            action: membership.bureau.is_district and membership_may(membership, needed)
            for action, needed in BULK_ACTIONS.items()
        }
        empty_reads_all(self.filterset.form)
        today = timezone.localdate()
        context = super().get_context_data(
            filter=self.filterset,
            today=today,
            notifications=notifications.notification_list(user=self.request.user),
            bulk=bulk,
            assignee_picker=bulk_assignee_picker() if bulk["assign"] else "",
            query_string=self.request.GET.urlencode(),  # the export link's and the bulk form's
            **kwargs,
        )
        context["rows"] = inbox_rows(
            InboxRow.read(context["object_list"]),
            shown=context["shown"],
            today=today,
            grouped=context["grouped"],
            columns_shown=context["columns_shown"],
        )
        context["rows_html"] = joined_rows(context["rows"])
        return context

    def post(self, request, *args, **kwargs):
        """A bulk action on the chosen tip-offs: each goes through its workflow step on its own
        (its own transaction, lock and checks); the result is reported record by record."""
        action = request.POST.get("action", "")
        if action not in BULK_ACTIONS or not membership_may(self.membership, BULK_ACTIONS[action]):
            raise PermissionDenied
        back = redirect(f"{request.path}?{request.POST.get('query', '')}")
        ids = list(dict.fromkeys(int(v) for v in request.POST.getlist("id") if v.isdigit()))
        if not ids:
            messages.error(request, _("Choose at least one tip-off."))
            return back
        if len(ids) > BULK_MAX:
            messages.error(request, _("Choose at most %(n)d tip-offs at a time.") % {"n": BULK_MAX})
            return back
        assignee = None
        if action == "assign":
            users = {
                u.pk: u for u in selectors.assignable_users(bureau_id=self.membership.bureau_id)
            }
            chosen = request.POST.get("assignee", "")
            assignee = users.get(int(chosen)) if chosen.isdigit() else None
            if assignee is None:
                messages.error(request, _("Choose an officer of this district."))
                return back
        # Only the acting district's tip-offs: another's is reported as not found.
        found = Complaint.objects.editable_by(request.user).in_bulk(ids)
        done = 0
        for pk in ids:
            complaint = found.get(pk)
            if complaint is None:
                messages.error(
                    request, _("No. %(pk)s: no such tip-off in your district.") % {"pk": pk}
                )
                continue
            try:
                if action == "accept":
                    handling.complaint_accept(actor=request.user, complaint=complaint)
                else:
                    handling.complaint_assign(
                        actor=request.user, complaint=complaint, assignee=assignee
                    )
            except (ValidationError, PermissionDenied) as exc:
                reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(
                    request,
                    _("%(code)s: not done. %(reason)s")
                    % {"code": complaint.tracking_code, "reason": reason},
                )
            else:
                done += 1
                messages.success(request, _("%(code)s: done.") % {"code": complaint.tracking_code})
        messages.info(request, _("%(done)d of %(n)d done.") % {"done": done, "n": len(ids)})
        return back


# The bulk form's handler picker by (language, URL prefix): the same empty text box on every
# inbox view, drawn through the form renderer's template once per key, not per request.
_PICKERS: dict[tuple, str] = {}


def bulk_assignee_picker():
    """The bulk form's handler picker: people are suggested as one types
    (complaints:handler-autocomplete); no list is loaded here."""
    key = (get_language(), get_script_prefix())
    html = _PICKERS.get(key)
    if html is None:
        html = _PICKERS[key] = UserPicker(url=reverse("complaints:handler-autocomplete")).render(
            "assignee",
            None,
            attrs={"id": "id_bulk_assignee", "class": "form-control form-control-sm w-auto"},
        )
    return html


class ComplaintExportView(ScopedListView):
    """CSV of the filtered inbox. Never contains the reporter's identity."""

    model = Complaint
    permission_object = "complaint"
    permission_verb = "export"
    paginate_by = None

    COLUMNS = (
        ("tracking_code", gettext_lazy("Tracking code")),
        ("bureau__name", gettext_lazy("District")),
        ("channel", gettext_lazy("Channel")),
        ("category", gettext_lazy("Category")),
        ("institution_name", gettext_lazy("Institution name")),
        ("status", gettext_lazy("Status")),
        ("outcome", gettext_lazy("Outcome")),
        ("received_at", gettext_lazy("Received")),
        ("due_on", gettext_lazy("Reply due")),
    )

    def scope_queryset(self, queryset):
        rows = ComplaintFilterSet(self.request.GET, queryset=queryset, request=self.request).qs
        chosen = [pk for pk in self.request.GET.getlist("id") if pk.isdigit()]
        # "export selected" from the inbox: those rows of the scoped, filtered list
        return rows.filter(pk__in=chosen) if chosen else rows

    def get(self, request, *args, **kwargs):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
        writer = csv.writer(response)
        writer.writerow([str(label) for _name, label in self.COLUMNS])
        statuses = dict(Complaint.Status.choices)
        outcomes = dict(Complaint.Outcome.choices)
        channels = dict(Complaint.Channel.choices)
        categories = dict(Complaint.Category.choices)
        rows = self.get_queryset().values_list(*[name for name, _label in self.COLUMNS])
        for code, district, channel, category, name, status, outcome, received, due in rows:
            writer.writerow(
                [
                    code,
                    district,
                    channels.get(channel, channel),
                    categories.get(category, category),
                    # A formula-looking cell is neutralised for spreadsheet programs.
                    ("'" + name) if name[:1] in "=+-@" else name,
                    statuses.get(status, status),
                    outcomes.get(outcome, ""),
                    timezone.localtime(received).strftime("%Y-%m-%d %H:%M"),
                    due.isoformat(),
                ]
            )
        return response


class ComplaintCreateView(ScopedPageMixin, FormView):
    """Staff intake for telephone, letter, visit, 12345 and referred tip-offs."""

    model = Complaint
    permission_object = "complaint"
    permission_verb = "change"
    writes = True
    form_class = forms.StaffComplaintForm
    template_name = "complaints/complaint_form.html"
    title = gettext_lazy("Enter a tip-off")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            complaint, secret = intake.complaint_register(
                actor=self.request.user,
                channel=data["channel"],
                external_ref=data["external_ref"],
                files=data["files"],
                **intake.report_fields(data),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.form_invalid(form)
        # The secret is shown once, to be read to the reporter; it is not stored.
        response = render(
            self.request,
            "complaints/complaint_registered.html",
            {
                "complaint": complaint,
                "secret": secret,
                "duplicates": selectors.complaint_duplicates(complaint=complaint),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class ComplaintPolicyView(ScopedFormView):
    """The district administrator's tip-off deadlines (reply and reward claim windows)."""

    model = ComplaintPolicy
    permission_object = "complaintpolicy"
    form_class = forms.ComplaintPolicyForm
    template_name = "form_page.html"
    success_message = gettext_lazy("Saved.")
    success_url_name = "complaints:policy"

    def get_initial(self):
        policy = intake.policy_for(self.membership.bureau)
        return {"reply_days": policy.reply_days, "claim_days": policy.claim_days}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Tip-off deadlines"), **kwargs)

    def perform(self, form):
        intake.complaint_policy_set(actor=self.request.user, **form.cleaned_data)


class RefundDisputeListView(ScopedListView):
    """Refund disputes with totals per district (students, money in dispute and recovered)."""

    model = RefundDispute
    permission_object = "refunddispute"
    template_name = "complaints/refunddispute_list.html"

    def scope_queryset(self, queryset):
        self.scoped = queryset
        return queryset.select_related("bureau", "complaint").only(
            "id",
            "students",
            "amount_disputed_fen",
            "amount_recovered_fen",
            "status",
            "bureau__name",
            "complaint__id",
            "complaint__tracking_code",
            "complaint__institution_name",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            totals=selectors.refund_totals(queryset=self.scoped),
            grand=selectors.refund_grand_total(queryset=self.scoped),
            **kwargs,
        )
