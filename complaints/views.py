"""Staff pages for tip-offs: the inbox and its export, staff intake, the complaint page with
its timeline and workflow steps, the reporter reveal, attachments, supervision orders and
refund disputes."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin
from django.views.generic.edit import FormView

from bureaus.crypto import mask_name, mask_phone
from bureaus.pages import ScopedDetailView, ScopedListView, ScopedPageMixin
from bureaus.permissions import membership_may
from complaints import forms, selectors, services
from complaints.filters import ComplaintFilterSet, SupervisionOrderFilterSet
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintPolicy,
    RefundDispute,
    Reward,
    SupervisionOrder,
)


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ComplaintListView(ScopedListView):
    """The inbox: filters, due dates, overdue first when asked."""

    model = Complaint
    permission_object = "complaint"
    template_name = "complaints/complaint_list.html"
    choice_labels = ("category", "channel", "status")

    def scope_queryset(self, queryset):
        self.filterset = ComplaintFilterSet(
            self.request.GET, queryset=queryset, request=self.request
        )
        return self.filterset.qs.select_related("bureau", "assignee").only(
            "id",
            "tracking_code",
            "channel",
            "category",
            "institution_name",
            "status",
            "received_at",
            "due_on",
            "bureau__name",
            "assignee__username",
            "assignee__display_name",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            today=timezone.localdate(),
            notifications=selectors.notification_list(user=self.request.user),
            **kwargs,
        )


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
        return ComplaintFilterSet(self.request.GET, queryset=queryset, request=self.request).qs

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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            complaint, secret = services.complaint_register(
                actor=self.request.user,
                channel=data["channel"],
                external_ref=data["external_ref"],
                institution=data["institution"],
                institution_name=data["institution_name"],
                institution_address=data["institution_address"],
                category=data["category"],
                description=data["description"],
                observed_on=data["observed_on"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                files=data["files"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
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


def _identity_display(membership, complaint):
    """What a user sees of the reporter: district staff a mask, superiors nothing."""
    if membership is None or membership.bureau_id != complaint.bureau_id:
        return None
    if not complaint.reporter_name and not complaint.reporter_phone:
        return {"anonymous": True}
    return {
        "anonymous": False,
        "name": mask_name(complaint.reporter_name),
        "phone": mask_phone(complaint.reporter_phone),
    }


class ComplaintDetailView(ScopedDetailView):
    """A tip-off: what was reported, its deadline, timeline, duplicates and the next steps."""

    model = Complaint
    permission_object = "complaint"
    template_name = "complaints/complaint_detail.html"

    def _steps(self, complaint, membership):
        """The steps this user may take now: investigation steps only for the handler or the
        district administrator."""
        handler = complaint.assignee_id == self.request.user.pk or membership.role == "admin"
        return [
            step
            for step in services.allowed_transitions(complaint)
            if handler or step not in ("note", "conclude")
        ]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        services.notifications_mark_read(user=request.user, link=request.path)
        return response

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "assignee", "institution", "duplicate_of")

    def get_context_data(self, **kwargs):
        complaint = self.object
        membership = self.membership
        in_district = membership.bureau_id == complaint.bureau_id
        may_change = in_district and membership_may(membership, "complaint.change")
        context = {
            "today": timezone.localdate(),
            "identity": _identity_display(membership, complaint),
            "events": complaint.events.select_related("actor"),
            "attachments": (
                complaint.attachments.all()
                if membership_may(membership, "complaintattachment.view")
                else []
            ),
            "allowed": self._steps(complaint, membership) if may_change else [],
            "may_reveal": in_district
            and (complaint.assignee_id == self.request.user.pk or membership.role == "admin")
            and complaint.is_named,
            "duplicates": (
                selectors.complaint_duplicates(complaint=complaint)
                if may_change and complaint.is_open
                else []
            ),
            "reward": Reward.objects.filter(complaint=complaint).first(),
            "reward_refusal": services.reward_refusal(complaint),
            "refund": RefundDispute.objects.filter(complaint=complaint).first(),
            "orders": complaint.supervision_orders.select_related("issued_by"),
            "may_change": may_change,
            "may_reward": in_district and membership_may(membership, "complaint.reward"),
        }
        return super().get_context_data(**context, **kwargs)


class ComplaintStepView(ScopedPageMixin, SingleObjectMixin, TemplateView):
    """One workflow step on one tip-off: GET shows its form, POST takes the step through the
    service. Only the acting district's records can be found (writes=True)."""

    model = Complaint
    permission_object = "complaint"
    permission_verb = "change"
    writes = True
    template_name = "complaints/complaint_step.html"
    step: str = ""
    title = ""
    form_class = forms.NoteOnlyForm

    def make_form(self, data=None, files=None):
        return self.form_class(data, files)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, self.success_message())
                return redirect("complaints:complaint-detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        allowed = self.step not in services.TRANSITIONS or self.step in (
            services.allowed_transitions(self.object)
        )
        return super().get_context_data(
            complaint=self.object, title=self.title, allowed=allowed, **kwargs
        )

    def perform(self, form):
        raise NotImplementedError

    def success_message(self):
        return _("Saved.")


class ComplaintAcceptView(ComplaintStepView):
    step, title = "accept", gettext_lazy("Accept")

    def perform(self, form):
        services.complaint_accept(
            actor=self.request.user, complaint=self.object, note=form.cleaned_data["note"]
        )


class ComplaintRejectView(ComplaintStepView):
    step, title, form_class = "reject", gettext_lazy("Reject as out of scope"), forms.RejectForm

    def perform(self, form):
        services.complaint_reject(
            actor=self.request.user, complaint=self.object, **form.cleaned_data
        )


class ComplaintMergeView(ComplaintStepView):
    step, title, form_class = "merge", gettext_lazy("Merge as a duplicate"), forms.MergeForm

    def make_form(self, data=None, files=None):
        return forms.MergeForm(data, complaint=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            duplicates=selectors.complaint_duplicates(complaint=self.object), **kwargs
        )

    def perform(self, form):
        services.complaint_merge(
            actor=self.request.user,
            complaint=self.object,
            into=form.cleaned_data["into"],
            note=form.cleaned_data["note"],
        )


class ComplaintAssignView(ComplaintStepView):
    step, title, form_class = "assign", gettext_lazy("Assign a handler"), forms.AssignForm
    permission_verb = "assign"

    def make_form(self, data=None, files=None):
        return forms.AssignForm(data, complaint=self.object)

    def perform(self, form):
        services.complaint_assign(
            actor=self.request.user, complaint=self.object, **form.cleaned_data
        )


class ComplaintNoteView(ComplaintStepView):
    step, title, form_class = (
        "note",
        gettext_lazy("Investigation note"),
        forms.InvestigationNoteForm,
    )

    def perform(self, form):
        services.complaint_add_note(
            actor=self.request.user,
            complaint=self.object,
            note=form.cleaned_data["note"],
            files=form.cleaned_data["files"],
        )


class ComplaintLinkView(ComplaintStepView):
    step, title, form_class = (
        "link",
        gettext_lazy("Link to an institution"),
        forms.LinkInstitutionForm,
    )

    def make_form(self, data=None, files=None):
        return forms.LinkInstitutionForm(data, user=self.request.user)

    def perform(self, form):
        services.complaint_link_institution(
            actor=self.request.user,
            complaint=self.object,
            institution=form.cleaned_data["institution"],
        )


class ComplaintConcludeView(ComplaintStepView):
    step, title, form_class = "conclude", gettext_lazy("Conclude"), forms.ConcludeForm

    def perform(self, form):
        services.complaint_conclude(
            actor=self.request.user, complaint=self.object, **form.cleaned_data
        )


class ComplaintCloseView(ComplaintStepView):
    step, title = "close", gettext_lazy("Close")

    def perform(self, form):
        services.complaint_close(
            actor=self.request.user, complaint=self.object, note=form.cleaned_data["note"]
        )


class ComplaintRewardView(ComplaintStepView):
    """Decide the reward, then record telling the reporter and the claim."""

    step, title, form_class = "reward", gettext_lazy("Reward"), forms.RewardForm
    permission_verb = "reward"
    template_name = "complaints/complaint_reward.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reward=Reward.objects.filter(complaint=self.object).first(),
            refusal=services.reward_refusal(self.object),
            date_form=forms.RewardDateForm(initial={"on": timezone.localdate()}),
            **kwargs,
        )

    def make_form(self, data=None, files=None):
        if data is not None and "step" in data:
            return forms.RewardDateForm(data)
        return forms.RewardForm(data)

    def perform(self, form):
        actor = self.request.user
        if isinstance(form, forms.RewardDateForm):
            reward = Reward.objects.editable_by(actor).filter(complaint=self.object).first()
            if reward is None:
                raise ValidationError(_("Decide the reward first."))
            if form.cleaned_data["step"] == "notify":
                services.reward_notify(
                    actor=actor, reward=reward, notified_on=form.cleaned_data["on"]
                )
            else:
                services.reward_claim(
                    actor=actor, reward=reward, claimed_on=form.cleaned_data["on"]
                )
            return
        services.reward_decide(
            actor=actor, complaint=self.object, amount_fen=form.cleaned_data["amount_yuan"] * 100
        )


class ComplaintRefundView(ComplaintStepView):
    step, title, form_class = "refund", gettext_lazy("Refund dispute"), forms.RefundDisputeForm

    def make_form(self, data=None, files=None):
        if data is None:
            return forms.RefundDisputeForm.for_dispute(
                RefundDispute.objects.filter(complaint=self.object).first()
            )
        return forms.RefundDisputeForm(data)

    def perform(self, form):
        services.refund_dispute_record(actor=self.request.user, complaint=self.object, **form.fen())


class ComplaintRevealView(ComplaintStepView):
    """The reporter's identity in clear, for the handler or the district administrator; each
    reveal is written to the audit trail. GET only asks for confirmation."""

    step, title = "reveal", gettext_lazy("Show the reporter's identity")
    permission_verb = "reveal"
    template_name = "complaints/complaint_reveal.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        # PermissionDenied (not the handler, not the administrator) becomes a 403.
        identity = services.complaint_reveal_reporter(actor=request.user, complaint=self.object)
        response = self.render_to_response(self.get_context_data(identity=identity))
        response["Cache-Control"] = "no-store"
        return response


class ComplaintAttachmentView(ScopedDetailView):
    """Download an attachment (served through the scoping, never from a public URL)."""

    model = ComplaintAttachment
    permission_object = "complaintattachment"

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Content-Disposition"] = (
            f'inline; filename="{attachment.complaint_id}-{attachment.pk}'
            f'{attachment.file.name[attachment.file.name.rfind(".") :]}"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SupervisionOrderListView(ScopedListView):
    """Supervision orders: a district's orders, or those a superior's districts received; a
    supervisor issues new ones here."""

    model = SupervisionOrder
    permission_object = "supervisionorder"
    template_name = "complaints/supervisionorder_list.html"

    def scope_queryset(self, queryset):
        self.filterset = SupervisionOrderFilterSet(self.request.GET, queryset=queryset)
        return self.filterset.qs.select_related("bureau", "issued_by", "complaint")

    def _may_issue(self):
        return membership_may(self.membership, "supervisionorder.issue")

    def get_context_data(self, **kwargs):
        form = kwargs.pop("issue_form", None)
        if form is None and self._may_issue():
            # Opened from a tip-off: its district and code are filled in.
            initial = {
                "district": self.request.GET.get("district", ""),
                "complaint_code": self.request.GET.get("complaint", ""),
            }
            form = forms.SupervisionOrderForm(user=self.request.user, initial=initial)
        return super().get_context_data(
            filter=self.filterset,
            issue_form=form,
            today=timezone.localdate(),
            notifications=selectors.notification_list(user=self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self._may_issue():
            raise PermissionDenied
        form = forms.SupervisionOrderForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.supervision_order_issue(
                    actor=request.user,
                    district=data["district_obj"],
                    complaint=data["complaint"],
                    subject=data["subject"],
                    instructions=data["instructions"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Supervision order %(number)s issued.") % {"number": order.number}
                )
                return redirect("complaints:supervisionorder-detail", pk=order.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(issue_form=form), status=400)


class SupervisionOrderDetailView(ScopedDetailView):
    model = SupervisionOrder
    permission_object = "supervisionorder"
    template_name = "complaints/supervisionorder_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        services.notifications_mark_read(user=request.user, link=request.path)
        return response

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau", "issued_by", "complaint", "answered_by")

    def get_context_data(self, **kwargs):
        m = self.membership
        may_answer = (
            m.bureau_id == self.object.bureau_id
            and membership_may(m, "supervisionorder.answer")
            and self.object.status == SupervisionOrder.Status.OPEN
        )
        return super().get_context_data(
            today=timezone.localdate(),
            answer_form=forms.SupervisionAnswerForm() if may_answer else None,
            **kwargs,
        )


class SupervisionOrderAnswerView(ScopedPageMixin, SingleObjectMixin, TemplateView):
    model = SupervisionOrder
    permission_object = "supervisionorder"
    permission_verb = "answer"
    writes = True
    template_name = "complaints/supervisionorder_answer.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(
            self.get_context_data(order=self.object, form=forms.SupervisionAnswerForm())
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = forms.SupervisionAnswerForm(request.POST)
        if form.is_valid():
            try:
                services.supervision_order_answer(
                    actor=request.user, order=self.object, answer=form.cleaned_data["answer"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Answer sent."))
                return redirect("complaints:supervisionorder-detail", pk=self.object.pk)
        return self.render_to_response(
            self.get_context_data(order=self.object, form=form), status=400
        )


class ComplaintPolicyView(ScopedPageMixin, FormView):
    """The district administrator's tip-off deadlines (reply and reward claim windows)."""

    model = ComplaintPolicy
    permission_object = "complaintpolicy"
    permission_verb = "change"
    writes = True
    form_class = forms.ComplaintPolicyForm
    template_name = "complaints/complaint_form.html"

    def get_initial(self):
        policy = services.policy_for(self.membership.bureau)
        return {"reply_days": policy.reply_days, "claim_days": policy.claim_days}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Tip-off deadlines"), **kwargs)

    def form_valid(self, form):
        try:
            services.complaint_policy_set(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("complaints:policy")


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
