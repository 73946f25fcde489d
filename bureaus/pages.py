"""The base of every scoped page: sign-in, the permission table and tenancy, applied on every
request with no way to skip them by accident.

Guarantees (the same as the API's, see bureaus.api.base):
- An anonymous user is sent to the login page.
- A role without the page's action gets 403 before any lookup.
- Reads go through `visible_to(user)`; create and edit pages through `editable_by(user)`;
  another district's record is a 404.
- Subclasses cannot override `get_queryset` or `get_object`; they use `scope_queryset`. Nor
  can they override `dispatch`, where the sign-in and role checks are made.
"""

import functools

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import get_language
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from bureaus import rls
from bureaus.paging import CappedPaginator
from bureaus.permissions import membership_may, refuse_overrides

_SEALED = ("get_queryset", "get_object", "dispatch")


class ScopedPageMixin(LoginRequiredMixin):
    """Declare `model` and `permission_object`; `permission_verb` defaults to "view"."""

    permission_object: str = ""
    permission_verb: str = "view"
    writes = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        refuse_overrides(
            cls,
            _SEALED,
            "the scoping and the role check live there (shape the queryset in scope_queryset()).",
        )

    @property
    def permission_action(self) -> str:
        return f"{self.permission_object}.{self.permission_verb}"

    @property
    def membership(self):
        return getattr(self.request.user, "membership", None)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not membership_may(self.membership, self.permission_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scope_queryset(self, queryset):
        return queryset

    def get_queryset(self):
        base = self.model._default_manager.all()
        scoped = (
            base.editable_by(self.request.user)
            if self.writes
            else base.visible_to(self.request.user)
        )
        return self.scope_queryset(scoped)


# A pk no record has, marking where a row's pk goes in its reversed link.
_PK_MARK = 987654321987


class ScopedListView(ScopedPageMixin, ListView):
    paginate_by = 50
    paginator_class = CappedPaginator  # no page view counts a whole province's rows
    # Choice fields whose labels the rows show: resolved once per request and set on each row
    # as `<field>_label`, instead of a translated get_FOO_display() call per row and field.
    choice_labels: tuple[str, ...] = ()
    # Links of each row by its pk, set on the row as the attribute named:
    # {"detail_url": "complaints:complaint-detail"}. Reversed once per request, not with a
    # {% url %} per row (a reverse() cost ~0.15 ms, 50 rows a tenth of the inbox page).
    row_urls: dict[str, str] = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.choice_labels:
            labels = choice_labels(self.model, self.choice_labels)
            for row in context["object_list"]:
                for name, by_value in labels.items():
                    value = getattr(row, name)
                    setattr(row, f"{name}_label", by_value.get(value, value))
        for attr, url_name in self.row_urls.items():
            link = pk_link(url_name)
            for row in context["object_list"]:
                setattr(row, attr, link(row.pk))
        return context


def pk_link(url_name):
    """pk → the URL of `url_name` (a route of one argument, the pk), reversed once for a whole
    list instead of once per row."""
    before, mark, after = reverse(url_name, args=[_PK_MARK]).rpartition(str(_PK_MARK))
    if not mark:
        raise ValueError(f"{url_name} does not take the row's pk as its argument")
    return lambda pk: f"{before}{int(pk)}{after}"


# {field: {value: label}} by (model, fields, language): the labels are fixed while the process
# runs, so a list page translates none of them (issue 11).
_LABELS: dict[tuple, dict] = {}


def choice_labels(model, names) -> dict[str, dict]:
    """{field: {value: label}} of a model's choice fields, in the current language."""
    key = (model, tuple(names), get_language())
    labels = _LABELS.get(key)
    if labels is None:
        fields = [model._meta.get_field(name) for name in names]
        labels = {f.name: {value: str(label) for value, label in f.choices} for f in fields}
        _LABELS[key] = labels
    return labels


class ScopedDetailView(ScopedPageMixin, DetailView):
    pass


class _ScopedFormPage(ScopedPageMixin):
    """A page that writes in the acting bureau; its form sees the user for its choices."""

    permission_verb = "change"
    writes = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ScopedCreateView(_ScopedFormPage, CreateView):
    """The created record belongs to the acting bureau."""

    def form_valid(self, form):
        form.instance.bureau = self.membership.bureau
        return super().form_valid(form)


class ScopedUpdateView(_ScopedFormPage, UpdateView):
    pass


def public(reason: str):
    """Mark a view as deliberately open to everyone (public lookup, tip-off submission).

    The isolation test accepts such a route only through this marker, and the reason is shown
    when it lists the public routes. Public views must read published data only; they are
    tested in their app for what they must never show.

    The view runs inside `rls.platform_access(reason)`: row-level security cannot tell a
    published row from another, so a public view's own selectors are its wall.
    """

    def mark(view):
        if isinstance(view, type):
            # A class-based view: its dispatch runs inside the platform access, and the marker
            # is on the class (as_view copies class attributes onto the view function's
            # `view_class`, where the isolation test finds it).
            dispatch = view.dispatch

            @functools.wraps(dispatch)
            def public_dispatch(self, request, *args, **kwargs):
                with rls.platform_access(f"public page: {reason}"):
                    return dispatch(self, request, *args, **kwargs)

            view.dispatch = public_dispatch
            view.public_reason = reason
            return view

        @functools.wraps(view)
        def public_view(request, *args, **kwargs):
            with rls.platform_access(f"public page: {reason}"):
                return view(request, *args, **kwargs)

        public_view.public_reason = reason
        return public_view

    return mark
