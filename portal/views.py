"""The institution's own pages (机构端), for institution accounts only.

Guarantees (PortalPage):
- an anonymous user is sent to the login page; a signed-in user without an institution account
  (bureau staff) gets 404: the portal has nothing for them;
- every page reads through the account's institution (`self.institution`), never an id from the
  request alone: another institution's record is a 404, like one that does not exist;
- the request runs under the row-level security scope of the institution's district
  (portal.access.scope_for), so a forgotten filter cannot reach another district;
- subclasses cannot override `dispatch`, where these checks are made.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from bureaus import rls
from core import spreadsheets as sheets
from core.errors import error_dict, form_add_errors
from courses.forms import TimetableUploadForm
from courses.models import Course
from courses.services.filing import course_resubmit, course_submit
from courses.services.importing import timetable_import
from funds.models import FundWarning
from funds.selectors import warning_list_for_institution
from inspections.models import RectificationNotice
from inspections.selectors import notice_get_for_institution, notice_list_for_institution
from institutions import rules
from institutions.selectors import institution_get_for_portal, institution_staff_for_portal
from portal import access, selectors, services
from portal.forms import CourseForm, EvidenceForm

N = RectificationNotice.Status
# Notices that still wait for the institution.
OWED = (N.ISSUED, N.REJECTED, N.ESCALATED)


class PortalPage(LoginRequiredMixin, TemplateView):
    """The base of every portal page (see the module's guarantees)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "dispatch" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override dispatch: the portal's checks")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        account = getattr(request, "portal_account", None) or access.account_for(request.user)
        if account is None or getattr(request.user, "memberships_list", None):
            # Staff, and any account that also holds a bureau membership: not an institution.
            raise Http404
        self.account = account
        with rls.use(access.scope_for(account)):
            self.institution = institution_get_for_portal(pk=account.institution_id)
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(institution=self.institution, **kwargs)


class HomeView(PortalPage):
    """The institution's record, read-only, with its rule warnings and what awaits it."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        institution = self.institution
        today = timezone.localdate()
        notices = notice_list_for_institution(institution_id=institution.pk)
        return super().get_context_data(
            warnings=rules.labels(institution.warning_codes),
            credentials=[(c, c.expiry_on(today)) for c in institution.credentials.all()],
            sites=list(institution.sites.all()),
            open_notices=notices.filter(status__in=OWED).count(),
            unresolved_warnings=warning_list_for_institution(institution_id=institution.pk)
            .filter(status__in=FundWarning.UNRESOLVED)
            .count(),
            **kwargs,
        )


class NoticeListView(PortalPage):
    """The rectification notices addressed to the institution."""

    template_name = "portal/notice_list.html"

    def get_context_data(self, **kwargs):
        notices = notice_list_for_institution(institution_id=self.institution.pk)
        return super().get_context_data(notices=notices[:200], **kwargs)


class NoticeDetailView(PortalPage):
    """One notice: what must be put right and by when; evidence is submitted here."""

    template_name = "portal/notice_detail.html"
    # Where the institution may (still) answer with evidence (inspections' workflow).
    ANSWERABLE = (N.ISSUED, N.ESCALATED)

    def _notice(self):
        try:
            return notice_get_for_institution(
                institution_id=self.institution.pk, pk=self.kwargs["pk"]
            )
        except RectificationNotice.DoesNotExist:
            raise Http404 from None

    def get(self, request, *args, **kwargs):
        self.notice = self._notice()
        return self.render_to_response(self.get_context_data(form=EvidenceForm()))

    def post(self, request, *args, **kwargs):
        self.notice = self._notice()
        form = EvidenceForm(request.POST)
        if form.is_valid():
            try:
                services.notice_evidence_submit(
                    account=self.account,
                    notice_id=self.notice.pk,
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Your evidence has been sent to the education bureau."))
                return redirect("portal:notice-detail", pk=self.notice.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        notice = self.notice
        return super().get_context_data(
            notice=notice,
            findings=list(notice.findings.all()),
            answerable=notice.status in self.ANSWERABLE,
            **kwargs,
        )


class EscrowWarningListView(PortalPage):
    """The warnings on the institution's supervised accounts (资金预警)."""

    template_name = "portal/escrow_warning_list.html"

    def get_context_data(self, **kwargs):
        warnings = warning_list_for_institution(institution_id=self.institution.pk)
        return super().get_context_data(warnings=warnings[:200], **kwargs)


class CourseListView(PortalPage):
    """The institution's course filings (课程备案) and their state."""

    template_name = "portal/course_list.html"

    def get_context_data(self, **kwargs):
        courses = selectors.course_list_for_institution(institution_id=self.institution.pk)
        return super().get_context_data(courses=courses[:200], **kwargs)


class CourseDetailView(PortalPage):
    """One filing: its timetable, prices and the district's decision."""

    template_name = "portal/course_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            course = selectors.course_get_for_institution(
                institution_id=self.institution.pk, pk=self.kwargs["pk"]
            )
        except Course.DoesNotExist:
            raise Http404 from None
        return self.render_to_response(self.get_context_data(course=course))


class CourseFileView(PortalPage):
    """File a course with its timetable. A filing that breaks any 双减 rule is refused with
    every reason at once, each naming the session or field (courses' rule engine); nothing is
    saved until it passes."""

    template_name = "portal/course_form.html"
    course = None  # a filing being corrected (CourseResubmitView)

    def _form(self, data=None):
        return CourseForm(
            data,
            initial=CourseForm.initial_for(self.course) if self.course else None,
            sites=list(self.institution.sites.all()),
            staff=institution_staff_for_portal(institution_id=self.institution.pk),
        )

    def _file(self, form):
        return course_submit(actor=self.request.user, institution=self.institution, **form.filing())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def get_context_data(self, **kwargs):
        return super().get_context_data(course=self.course, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        refusals = []
        if form.is_valid():
            try:
                course = self._file(form)
            except ValidationError as exc:
                found = error_dict(exc)
                refusals = [text for texts in found.values() for text in texts]
                for field, texts in found.items():
                    name = CourseForm.FIELD_FOR.get(field, field)
                    if name in form.fields:
                        form.add_error(name, texts)
            else:
                messages.success(request, _("The course has been filed with the education bureau."))
                return redirect("portal:course-detail", pk=course.pk)
        return self.render_to_response(
            self.get_context_data(form=form, refusals=refusals), status=400
        )


# A filing the institution may correct and submit again (courses' workflow step "resubmit").
RESUBMITTABLE = (Course.Status.RETURNED, Course.Status.ACCEPTED)


class CourseResubmitView(CourseFileView):
    """Correct a filing the district returned (or change an accepted one) and submit it again:
    the same form, filled from what is on file, under the same rules."""

    def _load(self):
        try:
            course = selectors.course_get_for_institution(
                institution_id=self.institution.pk, pk=self.kwargs["pk"]
            )
        except Course.DoesNotExist:
            raise Http404 from None
        if course.status not in RESUBMITTABLE:
            raise Http404
        self.course = course

    def get(self, request, *args, **kwargs):
        self._load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._load()
        return super().post(request, *args, **kwargs)

    def _file(self, form):
        return course_resubmit(actor=self.request.user, course=self.course, **form.filing())


class TimetableImportView(PortalPage):
    """File courses from a timetable (.xlsx): every row's errors at once, nothing written
    unless every row and every course passes (courses' importer)."""

    template_name = "portal/timetable_import.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=TimetableUploadForm()))

    def post(self, request, *args, **kwargs):
        form = TimetableUploadForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            try:
                outcome = timetable_import(
                    actor=request.user,
                    institution=self.institution,
                    upload=form.cleaned_data["file"],
                )
            except sheets.FileRefused as exc:
                form.add_error("file", str(exc))
            else:
                if not outcome.errors:
                    messages.success(
                        request,
                        _("%(n)s courses filed from the timetable.") % {"n": len(outcome.courses)},
                    )
                    return redirect("portal:course-list")
                errors = outcome.errors
        return self.render_to_response(self.get_context_data(form=form, errors=errors), status=400)
