"""The district's white and black lists: the list page, publishing and lifting an entry."""

from django.utils.translation import gettext_lazy

from bureaus.pages import ScopedListView
from institutions import forms
from institutions.models import ListEntry
from institutions.services.lists import list_entry_lift, list_entry_publish
from institutions.views.actions import ScopedActionView


class ListEntryListView(ScopedListView):
    """The district's white and black lists, published or not, with their history."""

    model = ListEntry
    permission_object = "institution"
    template_name = "institutions/listentry_list.html"

    def scope_queryset(self, queryset):
        queryset = queryset.select_related("institution", "bureau")
        kind = self.request.GET.get("kind")
        if kind in ListEntry.Kind.values:
            queryset = queryset.filter(kind=kind)
        if self.request.GET.get("active") == "1":
            queryset = queryset.filter(lifted_on__isnull=True)
        return queryset


class ListEntryActionView(ScopedActionView):
    model = ListEntry
    permission_object = "institution"
    record_argument = "entry"


class ListEntryPublishView(ListEntryActionView):
    form_class = forms.ConfirmForm
    title = gettext_lazy("Publish the list entry")
    success_message = gettext_lazy("Published: the public list now shows it.")
    service = staticmethod(list_entry_publish)


class ListEntryLiftView(ListEntryActionView):
    form_class = forms.ListEntryLiftForm
    title = gettext_lazy("Lift the list entry")
    success_message = gettext_lazy("The entry has been lifted.")

    def perform(self, form):
        list_entry_lift(
            actor=self.request.user, entry=self.object, reason=form.cleaned_data["lift_reason"]
        )
