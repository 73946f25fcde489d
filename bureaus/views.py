"""Pages for people: home, the bureau switcher, streets, departments, memberships, the audit
trail; and the health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from bureaus import audit_display, health
from bureaus.acting import SESSION_KEY
from bureaus.filters import AuditEventFilterSet
from bureaus.forms import DepartmentForm, StreetForm
from bureaus.models import AuditEvent, Department, Membership, Street
from bureaus.pages import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    public,
)
from bureaus.permissions import membership_may


def home(request):
    """The user's bureau and role, with the counts their role may see; a visitor who has not
    signed in is sent to the public entrance (staff sign in from there or from /accounts/login/)."""
    if not request.user.is_authenticated:
        return redirect("public-index")
    context = {}
    membership = getattr(request.user, "membership", None)
    if settings.HOME_DASHBOARD_URL and membership_may(membership, "dashboard.home"):
        # District staff and superiors start on their dashboard (named by URL, so that
        # bureaus, the bottom layer, never imports reports).
        return redirect(settings.HOME_DASHBOARD_URL)
    if membership_may(membership, "street.view"):
        context["street_count"] = Street.objects.visible_to(request.user).count()
    if membership_may(membership, "platformhealth.view"):
        context["background_problem"] = health.background_status()[2]
    return render(request, "bureaus/home.html", context)


@login_required
@require_POST
def bureau_switch(request):
    """Choose which membership to act through; one the user does not hold is a 404."""
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        raise Http404 from None
    if not any(m.pk == wanted for m in request.user.memberships_list):
        raise Http404
    request.session[SESSION_KEY] = wanted
    messages.success(request, _("You are now acting for another bureau."))
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


class StreetListView(ScopedListView):
    model = Street
    permission_object = "street"
    title = gettext_lazy("Streets")
    template_name = "bureaus/street_list.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau")


class StreetDetailView(ScopedDetailView):
    model = Street
    permission_object = "street"
    template_name = "bureaus/street_detail.html"


class _StreetForm:
    """What the street's new and edit pages share."""

    model = Street
    form_class = StreetForm
    permission_object = "street"
    template_name = "bureaus/form.html"
    success_url = reverse_lazy("bureaus:street-list")


class StreetCreateView(_StreetForm, ScopedCreateView):
    pass


class StreetUpdateView(_StreetForm, ScopedUpdateView):
    pass


class DepartmentListView(ScopedListView):
    model = Department
    permission_object = "department"
    title = gettext_lazy("Partner departments")
    template_name = "bureaus/department_list.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("bureau")


class DepartmentCreateView(ScopedCreateView):
    model = Department
    form_class = DepartmentForm
    permission_object = "department"
    template_name = "bureaus/form.html"
    success_url = reverse_lazy("bureaus:department-list")


class MembershipListView(ScopedListView):
    model = Membership
    permission_object = "membership"
    title = gettext_lazy("Staff")
    template_name = "bureaus/membership_list.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("user", "bureau")


class AuditEventListView(ScopedListView):
    model = AuditEvent
    permission_object = "auditevent"
    title = gettext_lazy("Audit trail")
    template_name = "bureaus/auditevent_list.html"

    def scope_queryset(self, queryset):
        self.filterset = AuditEventFilterSet(self.request.GET, queryset=queryset)
        return self.filterset.qs.select_related("bureau")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class AuditEventDetailView(ScopedDetailView):
    model = AuditEvent
    permission_object = "auditevent"
    template_name = "bureaus/auditevent_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = audit_display.change_rows(self.object)
        context["model_name"] = audit_display.model_name(self.object.model)
        return context


@require_GET
def healthz(request):
    """Database and Redis reachability, for load balancers and `make run`."""
    from django_redis import get_redis_connection

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        get_redis_connection("default").ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    # Background work is reported, not made a reason to take the web server out of service.
    background = {}
    if healthy:
        age, queues, problem = health.background_status()
        background = {
            "celery_heartbeat_age_seconds": None if age is None else round(age),
            "celery": "ok" if problem is None else "stale",
            "queues": queues,
        }
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks, **background},
        status=200 if healthy else 503,
    )


@require_GET
@public("the public entrance: links to the lookup, the published lists, the tip-off form")
def public_index(request):
    """The public entrance (/public/): look an institution up, read the published lists, report
    an institution, follow a report. No data of its own, so no query."""
    return render(request, "bureaus/public_index.html", {"title": _("Public services")})


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on every page, points at the static icon."""
    return redirect(static("favicon.ico"), permanent=True)
