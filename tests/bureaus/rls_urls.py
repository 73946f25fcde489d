"""A test-only page that forgets tenancy on purpose: every bureau-owned table read with
`Model.objects.all()`, no `visible_to`. Only row-level security stands between it and other
districts' rows (tests/bureaus/test_rls.py)."""

from django.http import JsonResponse
from django.urls import path

from bureaus import rls_policies


def unscoped(request):
    return JsonResponse(
        {
            model._meta.label_lower: sorted(
                set(model._base_manager.all().values_list("bureau_id", flat=True))
            )
            for model in rls_policies.protected_models()
        }
    )


urlpatterns = [path("unscoped/", unscoped, name="unscoped")]
