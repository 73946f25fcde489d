from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bureaus import views as bureau_views
from bureaus.forms import LoginForm

api_patterns = [
    path("", include("bureaus.api.urls")),
    path("", include("institutions.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("inspections.api.urls")),
]

urlpatterns = [
    path("", bureau_views.home, name="home"),
    path("healthz", bureau_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
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
    path("", include("core.urls")),
    # No login: the public lookup and the tip-off form (each view marked bureaus.pages.public).
    path("public/", include("institutions.public_urls")),
    path("public/", include("complaints.public_urls")),
    path("public/", include("inspections.public_urls")),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
