"""Pages of the shared mechanisms: the action view every workflow step uses (a form that acts on
one record of the acting district), and the working-day calendar."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from bureaus.pages import ScopedPageMixin
from bureaus.permissions import membership_may
from core import calendar, notifications, tables, workdays
from core.errors import form_add_errors
from core.models import SavedFilter


class NotificationsReadMixin:
    """A record's page: opening it marks the user's notifications that link to it as read."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        notifications.notifications_mark_read(user=request.user, link=request.path)
        return response


class ServiceFormMixin:
    """form_valid takes the form through `perform(form)` (a service call): a refusal from the
    service is shown on the form and nothing is saved; else `success_message` (when set) and a
    redirect to get_success_url()."""

    success_message = ""

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            form_add_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def perform(self, form):
        raise NotImplementedError


class ScopedFormView(ScopedPageMixin, ServiceFormMixin, FormView):
    """A page whose form one service takes for the acting district (its settings and the like).

    Declare `model`, `permission_object`, `form_class`, `template_name`, `perform(form)` and
    `success_url_name` (or `get_success_url()`); `permission_verb` defaults to "change". A
    refusal from the service is shown on the form, nothing is saved."""

    permission_verb = "change"
    writes = True
    success_url_name: str = ""

    def get_success_url(self):
        return reverse(self.success_url_name)


class RecordActionView(ScopedPageMixin, ServiceFormMixin, SingleObjectMixin, FormView):
    """GET shows the step's form, POST takes the step through the service.

    Declare `model`, `permission_object`, `permission_verb`, `form_class`, `title`,
    `template_name`, `success_url_name` (or `get_success_url()`) and `perform(form)` (or instead
    the `service` the step is); the form is built the FormView way (`get_form_kwargs()`,
    `get_initial()`, `get_form_class()`).
    Optionally `step` and `allowed_steps(record, membership)` (or `workflow`, a
    core.workflow.Workflow whose available steps are those): the page then says when the step
    cannot be taken now. Only records of the acting district are found (writes=True: another
    district's is a 404); a refusal from the service is shown on the form (400), nothing is
    saved."""

    permission_verb = "change"
    writes = True
    title = ""
    step: str = ""
    success_url_name: str = ""
    success_message = gettext_lazy("Saved.")
    workflow = None
    # The service a step is, called as service(actor=, <record_argument>=the record, **the form's
    # cleaned data) when the view has no perform() of its own. Declared with staticmethod(): a
    # plain function would be bound to the view.
    service = None
    record_argument = ""  # the service's keyword for the record; by default the model's name

    def perform(self, form):
        if self.service is None:
            raise NotImplementedError(f"{type(self).__name__} declares neither perform nor service")
        record = {self.record_argument or self.model._meta.model_name: self.object}
        self.service(actor=self.request.user, **record, **form.cleaned_data)

    def allowed_steps(self, record, membership) -> list[str] | None:
        """The steps that may be taken now; None when the view is not a workflow step."""
        if self.workflow is None:
            return None
        return self.workflow.available(record, membership=membership)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_url(self):
        return reverse(self.success_url_name, kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        steps = self.allowed_steps(self.object, self.membership)
        allowed = steps is None or self.step in steps
        return super().get_context_data(title=self.title, allowed=allowed, **kwargs)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    exceptions = forms.CharField(
        label=gettext_lazy("Holidays and make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "One day per line: “2027-02-06 休 春节” for a holiday, “2027-02-14 班 春节调休上班” "
            "for a make-up working day. Every other day follows Monday to Friday."
        ),
    )


class CalendarView(LoginRequiredMixin, TemplateView):
    """The working-day calendar: platform-wide, owned by no bureau. Every member of staff reads
    it (which years are known, a year's holidays and make-up days); the platform operator
    enters a year."""

    title = gettext_lazy("Working-day calendar")
    template_name = "core/calendar.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            calendar.calendar_may_edit(request.user)
            or membership_may(getattr(request.user, "membership", None), "calendarday.view")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _year(self):
        try:
            return int(self.request.GET.get("year") or self.request.POST.get("year"))
        except (TypeError, ValueError):
            return timezone.localdate().year + 1

    def get_context_data(self, **kwargs):
        year = self._year()
        exceptions = calendar.calendar_year_exceptions(year)
        form = kwargs.pop("form", None) or CalendarYearForm(
            initial={
                "year": year,
                "exceptions": "\n".join(
                    f"{d.date:%Y-%m-%d} {'班' if d.is_working_day else '休'} {d.note}".rstrip()
                    for d in exceptions
                ),
            }
        )
        return super().get_context_data(
            year=year,
            known=sorted(workdays.known_years()),
            is_known=year in workdays.known_years(),
            exceptions=exceptions,
            may_edit=calendar.calendar_may_edit(self.request.user),
            form=form,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not calendar.calendar_may_edit(request.user):
            raise PermissionDenied
        form = CalendarYearForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                if "load" in request.POST:
                    written = calendar.calendar_year_load(actor=request.user, year=year)
                    if not written:
                        raise ValidationError(
                            {
                                "year": _(
                                    "The calendar package does not know %(year)s: enter it below."
                                )
                                % {"year": year}
                            }
                        )
                else:
                    exceptions = calendar.calendar_parse(form.cleaned_data["exceptions"], year=year)
                    calendar.calendar_year_set(actor=request.user, year=year, exceptions=exceptions)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The calendar of %(year)s is saved.") % {"year": year})
                return redirect(f"{request.path}?year={year}")
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Saved filters of the lists (core.tables, core.models.SavedFilter) ---------------------------


class SavedFilterForm(forms.Form):
    list_key = forms.CharField(max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    query = forms.CharField(max_length=1000, required=False)


def _back_to(request) -> str:
    """The list the form was sent from (a path of this site), else the home page."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _acting_membership(request):
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise PermissionDenied
    return membership


class SavedFilterSaveView(LoginRequiredMixin, View):
    """Save the list's current filter set under a name (the same name again replaces it); the
    user's own, in the acting bureau. Then shows the list with it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = _acting_membership(request)
        back = _back_to(request)
        form = SavedFilterForm(request.POST)
        if not form.is_valid() or form.cleaned_data["list_key"] not in tables.LISTS:
            messages.error(request, _("Name the filter (at most 50 characters) to save it."))
            return redirect(back)
        data = form.cleaned_data
        query = tables.saved_query(data["query"])
        SavedFilter.objects.update_or_create(
            user=request.user,
            bureau_id=membership.bureau_id,
            list_key=data["list_key"],
            name=data["name"].strip(),
            defaults={"query": query},
        )
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": data["name"].strip()})
        return redirect(f"{back}?{query}" if query else back)


class SavedFilterDeleteView(LoginRequiredMixin, View):
    """Delete one of the user's own saved filters (another user's, or another bureau's, is a
    404)."""

    http_method_names = ["post"]

    def post(self, request, pk, *args, **kwargs):
        membership = _acting_membership(request)
        saved = get_object_or_404(
            SavedFilter.objects.filter(user=request.user, bureau_id=membership.bureau_id), pk=pk
        )
        saved.delete()
        messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
        return redirect(_back_to(request))
