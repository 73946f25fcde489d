from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bureaus import signin
from bureaus import views as bureau_views
from bureaus.api.tokens import TokenView

api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("bureaus.api.urls")),
    path("", include("institutions.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("funds.api.urls")),
]

urlpatterns = [
    path("", bureau_views.home, name="home"),
    path("healthz", bureau_views.healthz, name="healthz"),
    path("accounts/login/", signin.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        signin.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/two-factor/", signin.two_factor, name="two_factor"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bureaus/", include("bureaus.urls")),
    path("institutions/", include("institutions.urls")),
    path("complaints/", include("complaints.urls")),
    path("inspections/", include("inspections.urls")),
    path("documents/", include("documents.urls")),
    path("funds/", include("funds.urls")),
    path("reports/", include("reports.urls")),
    path("", include("core.urls")),
    # No login: the public lookup and the tip-off form (each view marked bureaus.pages.public).
    path("public/", include("institutions.public_urls")),
    path("public/", include("complaints.public_urls")),
    path("public/", include("inspections.public_urls")),
    path("public/", include("documents.public_urls")),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
if settings.ADMIN_SITE_ENABLED:
    # Django's admin is the platform operator's (superusers only, bureaus.admin); bureaus are
    # run through their own pages. Off in production unless JIANGUAN_ADMIN_SITE is set.
    urlpatterns += [path("admin/", admin.site.urls)]

# Uploaded files are never served from MEDIA_ROOT by path, not even under `make run`: each is
# served by a view that checks who asks (e.g. complaints:complaintattachment-detail).
