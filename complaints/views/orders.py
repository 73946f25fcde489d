"""Supervision orders (督办单): the list (where a supervisor issues them), one order, and the
district's answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from complaints import forms
from complaints.filters import SupervisionOrderFilterSet
from complaints.models import SupervisionOrder
from complaints.services import orders
from complaints.tables import SupervisionOrderTable
from core import notifications
from core.errors import form_add_errors
from core.tables import TableListMixin, empty_reads_all
from core.views import RecordActionView


class SupervisionOrderListView(TableListMixin, ScopedListView):
    """Supervision orders: a district's orders, or those a superior's districts received; a
    supervisor issues new ones here."""

    model = SupervisionOrder
    permission_object = "supervisionorder"
    template_name = "complaints/supervisionorder_list.html"
    table_class = SupervisionOrderTable
    list_key = "supervisionorders"
    choice_labels = ("status",)

    def scope_queryset(self, queryset):
        self.filterset = SupervisionOrderFilterSet(self.request.GET, queryset=queryset)
        return self.table_order(self.filterset.qs).select_related(
            "bureau", "issued_by", "complaint"
        )

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
        empty_reads_all(self.filterset.form)
        return super().get_context_data(
            filter=self.filterset,
            issue_form=form,
            today=timezone.localdate(),
            notifications=notifications.notification_list(user=self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self._may_issue():
            raise PermissionDenied
        form = forms.SupervisionOrderForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = orders.supervision_order_issue(
                    actor=request.user,
                    district=data["district_obj"],
                    complaint=data["complaint"],
                    subject=data["subject"],
                    instructions=data["instructions"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
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
        notifications.notifications_mark_read(user=request.user, link=request.path)
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


class SupervisionOrderAnswerView(RecordActionView):
    """The district answers an order."""

    model = SupervisionOrder
    context_object_name = "order"
    permission_object = "supervisionorder"
    permission_verb = "answer"
    template_name = "complaints/supervisionorder_answer.html"
    success_url_name = "complaints:supervisionorder-detail"
    form_class = forms.SupervisionAnswerForm
    step = "answer"

    def allowed_steps(self, record, membership):
        return orders.supervision_order_allowed_steps(record)

    def perform(self, form):
        orders.supervision_order_answer(
            actor=self.request.user, order=self.object, answer=form.cleaned_data["answer"]
        )

    success_message = gettext_lazy("Answer sent.")
