"""The handler picker's suggestions (core.widgets.UserPicker on the assign step and the inbox's
bulk assign): the acting district's active officers and administrators who may handle
tip-offs, searched by name or user name, at most LIMIT, as JSON. The form that receives the
pick checks it again against the district's handlers."""

from django.db.models import Q
from django.http import JsonResponse

from bureaus.models import Membership
from bureaus.pages import ScopedListView
from bureaus.permissions import allowed_roles


class HandlerAutocompleteView(ScopedListView):
    model = Membership
    permission_object = "complaint"
    permission_verb = "assign"
    paginate_by = None
    LIMIT = 20

    def scope_queryset(self, queryset):
        queryset = queryset.filter(
            bureau_id=self.membership.bureau_id,
            is_active=True,
            role__in=allowed_roles("complaint.handle"),
        )
        query = self.request.GET.get("q", "").strip()[:50]
        if query:
            queryset = queryset.filter(
                Q(user__display_name__icontains=query) | Q(user__username__icontains=query)
            )
        return queryset.select_related("user").only(
            "id", "user__id", "user__username", "user__display_name"
        )

    def get(self, request, *args, **kwargs):
        seen = {}
        rows = self.get_queryset().order_by("user__display_name", "user__username", "id")
        for m in rows[: self.LIMIT * 3]:  # a user may hold two roles in the district
            seen.setdefault(
                m.user_id, {"id": m.user_id, "text": str(m.user), "detail": m.user.username}
            )
            if len(seen) == self.LIMIT:
                break
        return JsonResponse(
            {"results": list(seen.values())}, json_dumps_params={"ensure_ascii": False}
        )
