"""The workflow steps on one tip-off, each a form page acting through its service."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import forms, selectors
from complaints.models import Complaint, RefundDispute, Reward
from complaints.services import handling, refunds, rewards
from core.views import RecordActionView


class ComplaintStepView(RecordActionView):
    """One workflow step on one tip-off of the acting district."""

    model = Complaint
    permission_object = "complaint"
    template_name = "complaints/complaint_step.html"
    success_url_name = "complaints:complaint-detail"
    form_class = forms.NoteOnlyForm

    def allowed_steps(self, record, membership):
        return handling.allowed_transitions(record) if self.step in handling.HANDLING else None


class ComplaintAcceptView(ComplaintStepView):
    step, title = "accept", gettext_lazy("Accept")
    service = staticmethod(handling.complaint_accept)


class ComplaintRejectView(ComplaintStepView):
    step, title, form_class = "reject", gettext_lazy("Reject as out of scope"), forms.RejectForm
    service = staticmethod(handling.complaint_reject)


class ComplaintMergeView(ComplaintStepView):
    step, title, form_class = "merge", gettext_lazy("Merge as a duplicate"), forms.MergeForm
    service = staticmethod(handling.complaint_merge)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "complaint": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            duplicates=selectors.complaint_duplicates(complaint=self.object), **kwargs
        )


class ComplaintAssignView(ComplaintStepView):
    step, title, form_class = "assign", gettext_lazy("Assign a handler"), forms.AssignForm
    permission_verb = "assign"
    service = staticmethod(handling.complaint_assign)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "complaint": self.object}


class ComplaintNoteView(ComplaintStepView):
    step, title, form_class = (
        "note",
        gettext_lazy("Investigation note"),
        forms.InvestigationNoteForm,
    )
    service = staticmethod(handling.complaint_add_note)


class ComplaintLinkView(ComplaintStepView):
    step, title, form_class = (
        "link",
        gettext_lazy("Link to an institution"),
        forms.LinkInstitutionForm,
    )
    service = staticmethod(handling.complaint_link_institution)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ComplaintConcludeView(ComplaintStepView):
    step, title, form_class = "conclude", gettext_lazy("Conclude"), forms.ConcludeForm
    service = staticmethod(handling.complaint_conclude)


class ComplaintCloseView(ComplaintStepView):
    step, title = "close", gettext_lazy("Close")
    service = staticmethod(handling.complaint_close)


class ComplaintRewardView(ComplaintStepView):
    """Decide the reward, then record telling the reporter and the claim."""

    step, title, form_class = "reward", gettext_lazy("Reward"), forms.RewardForm
    permission_verb = "reward"
    template_name = "complaints/complaint_reward.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reward=Reward.objects.filter(complaint=self.object).first(),
            refusal=rewards.reward_refusal(self.object),
            date_form=forms.RewardDateForm(initial={"on": timezone.localdate()}),
            **kwargs,
        )

    def get_form_class(self):
        if self.request.method == "POST" and "step" in self.request.POST:
            return forms.RewardDateForm
        return forms.RewardForm

    def perform(self, form):
        actor = self.request.user
        if isinstance(form, forms.RewardDateForm):
            reward = Reward.objects.editable_by(actor).filter(complaint=self.object).first()
            if reward is None:
                raise ValidationError(_("Decide the reward first."))
            if form.cleaned_data["step"] == "notify":
                rewards.reward_notify(
                    actor=actor, reward=reward, notified_on=form.cleaned_data["on"]
                )
            else:
                rewards.reward_claim(actor=actor, reward=reward, claimed_on=form.cleaned_data["on"])
            return
        rewards.reward_decide(
            actor=actor, complaint=self.object, amount_fen=form.cleaned_data["amount_yuan"] * 100
        )


class ComplaintRefundView(ComplaintStepView):
    step, title, form_class = "refund", gettext_lazy("Refund dispute"), forms.RefundDisputeForm

    def get_form(self, form_class=None):
        if self.request.method != "POST":
            return forms.RefundDisputeForm.for_dispute(
                RefundDispute.objects.filter(complaint=self.object).first()
            )
        return super().get_form(form_class)

    def perform(self, form):
        refunds.refund_dispute_record(actor=self.request.user, complaint=self.object, **form.fen())


class ComplaintRevealView(ComplaintStepView):
    """The reporter's identity in clear, for the handler or the district administrator; each
    reveal is written to the audit trail. GET only asks for confirmation."""

    step, title = "reveal", gettext_lazy("Show the reporter's identity")
    permission_verb = "reveal"
    template_name = "complaints/complaint_reveal.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        # PermissionDenied (not the handler, not the administrator) becomes a 403.
        identity = handling.complaint_reveal_reporter(actor=request.user, complaint=self.object)
        response = self.render_to_response(self.get_context_data(identity=identity))
        response["Cache-Control"] = "no-store"
        return response
