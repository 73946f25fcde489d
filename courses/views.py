"""Staff pages: filed courses with filters and an Excel export, a course with its timetable and
the district's decision, and the timetable import for an institution."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from bureaus.models import Bureau
from bureaus.pages import ScopedDetailView, ScopedListView
from bureaus.permissions import membership_may
from core import spreadsheets as sheets
from core.errors import form_add_errors
from core.views import RecordActionView
from courses import forms, selectors
from courses.models import (
    GRADE_CHOICES,
    Course,
    GuidancePrice,
    RuleSetting,
    RuleSettingChange,
    SchoolVacation,
)
from courses.rules import rule_labels
from courses.services import filing, importing, reference
from institutions.models import Institution


def _filters(request) -> tuple[forms.CourseFilterForm, dict]:
    form = forms.CourseFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def grade_text(grades) -> str:
    labels = dict(GRADE_CHOICES)
    return "、".join(str(labels.get(g, g)) for g in grades or ())


class CourseListView(ScopedListView):
    """Courses filed in the user's subtree, filtered by rule, subject, delivery and status."""

    model = Course
    permission_object = "course"
    title = _("Courses")
    template_name = "courses/course_list.html"
    choice_labels = ("subject", "delivery", "status")

    def scope_queryset(self, queryset):
        self.filter_form, filters = _filters(self.request)
        return selectors.course_list(queryset, filters=filters).order_by("-id")

    def get_context_data(self, **kwargs):
        labels = rule_labels()
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        for course in context["object_list"]:
            course.violation_labels = [str(labels.get(v, v)) for v in course.violations]
        return context


class CourseExportView(ScopedListView):
    """The filtered course list as .xlsx (formula-safe cells)."""

    model = Course
    permission_object = "course"
    permission_verb = "export"

    def scope_queryset(self, queryset):
        _form, filters = _filters(self.request)
        return selectors.course_list(queryset, filters=filters).order_by("bureau__code", "id")

    def get(self, request, *args, **kwargs):
        labels = rule_labels()
        header = [
            gettext_now("Course name"),
            gettext_now("Institution"),
            gettext_now("District"),
            gettext_now("Subject"),
            gettext_now("Grades"),
            gettext_now("Delivery"),
            gettext_now("Class hours"),
            gettext_now("Price per class hour (yuan)"),
            gettext_now("Package price (yuan)"),
            gettext_now("Status"),
            gettext_now("Violations"),
        ]
        rows = (
            [
                c.name,
                c.institution.name,
                c.bureau.name,
                c.get_subject_display(),
                grade_text(c.grades),
                c.get_delivery_display(),
                c.class_hours,
                c.price_per_hour_yuan,
                c.package_price_yuan,
                c.get_status_display(),
                "；".join(str(labels.get(v, v)) for v in c.violations),
            ]
            for c in self.get_queryset().iterator(chunk_size=2000)
        )
        content = sheets.write_only_workbook(gettext_now("Courses"), header, rows)
        return sheets.xlsx_response(content, "courses.xlsx")


class CourseDetailView(ScopedDetailView):
    """A course as filed: fields, timetable, teachers, materials, rules broken, decision."""

    model = Course
    permission_object = "course"
    template_name = "courses/course_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("institution", "bureau", "site", "decided_by")

    def get_context_data(self, **kwargs):
        course = self.object
        labels = rule_labels()
        return super().get_context_data(
            grades=grade_text(course.grades),
            patterns=course.patterns.all(),
            sessions=course.sessions.all()[:200],
            session_count=course.sessions.count(),
            teachers=course.teachers.select_related("staff"),
            materials=course.materials.all(),
            violation_labels=[str(labels.get(v, v)) for v in course.violations],
            allowed=filing.FILING.available(course, membership=self.membership),
            **kwargs,
        )


class _FilingStep(RecordActionView):
    model = Course
    permission_object = "course"
    permission_verb = "decide"
    template_name = "courses/course_step.html"
    success_url_name = "courses:course-detail"
    workflow = filing.FILING


class CourseAcceptView(_FilingStep):
    step = "accept"
    form_class = forms.AcceptForm
    title = _("Accept the filing")

    def perform(self, form):
        filing.course_accept(actor=self.request.user, course=self.object)


class CourseReturnView(_FilingStep):
    step = "return"
    form_class = forms.ReturnForm
    title = _("Return the filing")

    def perform(self, form):
        filing.course_return(
            actor=self.request.user, course=self.object, reasons=form.cleaned_data["reasons"]
        )


class TimetableImportView(RecordActionView):
    """Upload an institution's timetable (.xlsx): row-level errors, nothing written on error."""

    model = Institution
    permission_object = "course"
    template_name = "courses/timetable_import.html"
    form_class = forms.TimetableUploadForm
    title = _("Import a timetable")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def perform(self, form):
        try:
            outcome = importing.timetable_import(
                actor=self.request.user, institution=self.object, upload=form.cleaned_data["file"]
            )
        except sheets.FileRefused as exc:
            form.add_error("file", str(exc))
            self.outcome = None
            return
        self.outcome = outcome

    def form_valid(self, form):
        self.perform(form)
        outcome = getattr(self, "outcome", None)
        if outcome is None or outcome.errors:
            return self.render_to_response(
                self.get_context_data(form=form, errors=outcome.errors if outcome else []),
                status=400,
            )
        messages.success(
            self.request,
            gettext_now("%(n)s courses filed from the timetable.") % {"n": len(outcome.courses)},
        )
        return redirect(f"{_course_list_url()}?status=submitted")


def _course_list_url() -> str:
    from django.urls import reverse

    return reverse("courses:course-list")


class ReferenceView(LoginRequiredMixin, TemplateView):
    """A city's vacations and guidance prices, a province's rule settings with their history:
    read and kept by the supervisors of that city or province (courses.services.reference
    checks the bureau and role of every write)."""

    title = _("Rules, vacations and guidance prices")
    template_name = "courses/reference.html"
    FORMS = {
        "vacation": forms.VacationForm,
        "price": forms.GuidancePriceForm,
        "rule": forms.RuleSettingForm,
    }

    def dispatch(self, request, *args, **kwargs):
        membership = getattr(request.user, "membership", None)
        if request.user.is_authenticated and not membership_may(
            membership, "coursereference.change"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        bureau = self.request.user.membership.bureau
        bound = kwargs.pop("bound", {})
        is_city = bureau.level == Bureau.Level.CITY
        is_province = bureau.level == Bureau.Level.PROVINCE
        forms_ = {
            name: bound.get(name) or form()
            for name, form in self.FORMS.items()
            if name != "price" or is_city
            if name != "rule" or is_province
        }
        return super().get_context_data(
            bureau=bureau,
            forms=forms_,
            vacations=SchoolVacation.objects.filter(bureau=bureau).order_by("-year", "kind"),
            prices=GuidancePrice.objects.filter(bureau=bureau).order_by("subject", "grade"),
            settings=RuleSetting.objects.filter(bureau=bureau).order_by("rule"),
            changes=RuleSettingChange.objects.filter(setting__bureau=bureau).select_related(
                "setting", "actor"
            )[:50],
            rule_labels=rule_labels(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        name = request.POST.get("form", "")
        if name not in self.FORMS:
            return self.render_to_response(self.get_context_data(), status=400)
        form = self.FORMS[name](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if name == "vacation":
                    reference.vacation_set(actor=request.user, **data)
                elif name == "price":
                    reference.guidance_price_set(
                        actor=request.user,
                        subject=data["subject"],
                        grade=data["grade"],
                        max_fen_per_hour=int(data["max_yuan_per_hour"] * 100),
                    )
                else:
                    reference.rule_setting_set(actor=request.user, **data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, gettext_now("Saved."))
                return redirect("courses:reference")
        return self.render_to_response(self.get_context_data(bound={name: form}), status=400)
