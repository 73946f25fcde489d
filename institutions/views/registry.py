"""Staff pages of the registry itself: the list with its filters, its export, an
institution's page with its timeline, create and edit."""

from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bureaus.pages import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from bureaus.permissions import membership_may
from core.api.compiled import CompiledPaginator
from core.spreadsheets import xlsx_response
from core.tables import TableListMixin, empty_reads_all, joined_rows
from core.views import ServiceFormMixin
from institutions import extensions, forms, rules, selectors
from institutions.filters import InstitutionFilterSet
from institutions.importing.workbooks import export_workbook
from institutions.models import Institution
from institutions.rules import LIFECYCLE
from institutions.services.registry import institution_register, institution_update
from institutions.tables import InstitutionTable, RegistryRow, list_rows


class InstitutionListView(TableListMixin, ScopedListView):
    """Filters and search by name / pinyin initials / credit code; the same filters export.
    Sortable columns, page size, column choice, a district filter for superiors (core.tables)."""

    model = Institution
    permission_object = "institution"
    # The rows are read as values (institutions.tables.RegistryRow), their labels and links
    # set there; the count and each page by SQL compiled once per request shape.
    paginator_class = CompiledPaginator
    template_name = "institutions/institution_list.html"
    table_class = InstitutionTable
    list_key = "institutions"
    # Filters checked against the database (the street: one of the district's): a request
    # with one goes the ordinary way, its SQL not kept (as the registry API's).
    uncompiled_params = ("street",)

    def filtered(self, queryset):
        """The registry filtered and sorted as asked (builds `self.filterset` and the table):
        a lazy queryset, the list flags and licence not yet annotated."""
        self.filterset = InstitutionFilterSet(
            self.request.GET, queryset=self.table_order(queryset), request=self.request
        )
        return self.filterset

    def scope_queryset(self, queryset):
        # The district filter and the order first, the filters over them: the filtered
        # queryset is built only when the request's shape is new (core.tables.compiled_rows;
        # its SQL depends on the scope, the user, today and the query string only, as the
        # API's). The filter form is bound all the same.
        filterset = self.filtered(queryset)
        districts = self.names_districts()

        def rows():
            annotated = selectors.institution_annotate(filterset.qs, related=False).annotate(
                streets_version=selectors.streets_version(user=self.request.user)
            )
            return RegistryRow.of(annotated, districts=districts)

        if any(self.request.GET.get(name) for name in self.uncompiled_params):
            return rows()
        return self.compiled_rows(rows, counted=lambda: filterset.qs)

    def names_districts(self) -> bool:
        """Whether the rows name their district: only a superior's list has the district
        column and its groups; a district's reads no bureau row a row (issue 11)."""
        return bool(self.district_choices)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filter=self.filterset, export_query=query.urlencode(), **kwargs
        )
        rows = RegistryRow.read(context["object_list"])
        # The street options as of the rows' statement: kept by their version, else read.
        version = rows[0].streets_version if rows else None
        streets = selectors.street_options(user=self.request.user, version=version)
        context["filter_fields"] = filter_fields(self.filterset, streets)
        context["rows"] = list_rows(
            rows,
            shown=context["shown"],
            grouped=context["grouped"],
            columns_shown=context["columns_shown"],
        )
        context["rows_html"] = joined_rows(context["rows"])
        return context


# The filter fields' markup by what it is made of (filter_fields): at most this many kept.
_FILTER_FIELDS: dict = {}
_FILTER_FIELDS_MAX = 1024


def filter_fields(filterset, streets: list) -> str:
    """The list's filter fields (institutions/_filters.html), drawn once per language, chosen
    values, street options (`streets`, the (id, name) the user may choose, read this request:
    selectors.street_options) and the warnings other apps registered. Eight selects with their
    labels took a tenth of the page's Python (issue 11), ui.bs's key alone walking every
    option's label on every request. Kept only for a valid form (no error to show) with no
    search typed (what was typed, perhaps personal data, is never kept past the request, as in
    ui.bs). The form's selects are made to read 全部 (empty_reads_all) only when drawn."""
    form = filterset.form
    key = None
    if not form.data.get("q") and not form.errors:
        chosen = tuple(form.data.get(name) for name in form.fields)
        # The warnings other apps registered (extensions) are options of the warning filter.
        registered = extensions.registered_labels().items()
        foreign = tuple((code, str(label)) for code, label in registered)
        key = (get_language(), chosen, tuple(streets), foreign)
        html = _FILTER_FIELDS.get(key)
        if html is not None:
            return html
    empty_reads_all(form)
    # The street options as read, not by the field's queryset once more (as its iterator,
    # core.filtering._ListedChoices, lists them).
    street = form.fields["street"]
    options = [("", street.empty_label)] if street.empty_label is not None else []
    if street.null_label is not None:
        options.append((street.null_value, street.null_label))
    street.widget.choices = [*options, *streets]
    html = render_to_string("institutions/_filters.html", {"filter": filterset})
    if key is not None:
        if len(_FILTER_FIELDS) >= _FILTER_FIELDS_MAX:
            _FILTER_FIELDS.clear()
        _FILTER_FIELDS[key] = html
    return html


class InstitutionExportView(InstitutionListView):
    """The list as filtered, every page of it, as a workbook (no personal data)."""

    def scope_queryset(self, queryset):
        # With the street's and the district's rows: the workbook names both.
        return self.filtered(selectors.institution_annotate(queryset)).qs

    def get(self, request, *args, **kwargs):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        rows = self.get_queryset()
        chosen = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
        if chosen:  # "export selected" from the list: those rows of the scoped, filtered list
            rows = rows.filter(pk__in=chosen)
        return xlsx_response(export_workbook(rows), f"institutions-{stamp}.xlsx")


class InstitutionAutocompleteView(ScopedListView):
    """The institution picker's suggestions (institutions.widgets.InstitutionPicker): the
    registry as the user may read it, searched like the list (name, pinyin initials, credit
    code), at most AUTOCOMPLETE_LIMIT, as JSON. The form that receives the pick checks its own
    scope again."""

    model = Institution
    permission_object = "institution"
    paginate_by = None
    AUTOCOMPLETE_LIMIT = 20

    def scope_queryset(self, queryset):
        query = self.request.GET.get("q", "").strip()[:50]
        if query:
            queryset = queryset.filter(selectors.search_condition(query))
        return queryset.select_related("bureau").only("id", "name", "bureau__name")

    def get(self, request, *args, **kwargs):
        rows = self.get_queryset().order_by("name", "id")[: self.AUTOCOMPLETE_LIMIT]
        results = [{"id": i.pk, "text": i.name, "district": i.bureau.name} for i in rows]
        return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


class InstitutionDetailView(ScopedDetailView):
    model = Institution
    permission_object = "institution"
    template_name = "institutions/institution_detail.html"

    def scope_queryset(self, queryset):
        return queryset.select_related("street", "bureau")

    def get_context_data(self, **kwargs):
        institution = self.object
        entries = list(institution.list_entries.all())
        changes = list(institution.status_changes.select_related("actor"))
        timeline = []
        for change in changes:
            timeline.append(
                {
                    "at": change.decided_on,
                    "kind": "status",
                    "text": _("Status: %(from)s → %(to)s")
                    % {
                        "from": Institution.Status(change.from_status).label,
                        "to": Institution.Status(change.to_status).label,
                    },
                    "detail": change.reason,
                    "by": change.actor,
                }
            )
        for entry in entries:
            timeline.append(
                {
                    "at": entry.decided_on,
                    "kind": entry.kind,
                    "text": _("Put on the %(list)s") % {"list": entry.get_kind_display()},
                    "detail": entry.reason,
                }
            )
            if entry.published_on:
                timeline.append(
                    {
                        "at": entry.published_on,
                        "kind": entry.kind,
                        "text": _("%(list)s entry published") % {"list": entry.get_kind_display()},
                        "detail": "",
                    }
                )
            if entry.lifted_on:
                timeline.append(
                    {
                        "at": entry.lifted_on,
                        "kind": entry.kind,
                        "text": _("Lifted from the %(list)s") % {"list": entry.get_kind_display()},
                        "detail": entry.lift_reason,
                    }
                )
        timeline.sort(key=lambda item: item["at"], reverse=True)
        membership = self.membership
        may_change = (
            membership_may(membership, "institution.change")
            and institution.bureau_id == membership.bureau_id
        )
        return super().get_context_data(
            credentials=list(institution.credentials.all()),
            sites=list(institution.sites.select_related("street")),
            staff=list(institution.staff.all()),
            reviews=list(institution.annual_reviews.all()),
            entries=entries,
            timeline=timeline,
            warnings=rules.labels(institution.warning_codes),
            panels=extensions.render_panels("staff", self.request, institution),
            may_change=may_change,
            next_statuses=[
                LIFECYCLE[name].target
                for name in LIFECYCLE.available(institution, membership=membership)
            ],
            today=timezone.localdate(),
            **kwargs,
        )


class _InstitutionFormView(ServiceFormMixin):
    """What the institution's new and edit pages share: the form goes through the registry's
    service, and a refusal is shown on the form."""

    model = Institution
    form_class = forms.InstitutionForm
    permission_object = "institution"
    template_name = "bureaus/form.html"

    def get_success_url(self):
        return reverse("institutions:institution-detail", args=[self.object.pk])


class InstitutionCreateView(_InstitutionFormView, ScopedCreateView):
    success_message = gettext_lazy("The institution is on the registry.")

    def perform(self, form):
        self.object = institution_register(
            actor=self.request.user, bureau=self.membership.bureau, **form.service_fields()
        )


class InstitutionUpdateView(_InstitutionFormView, ScopedUpdateView):
    success_message = gettext_lazy("Saved.")

    def perform(self, form):
        institution_update(
            actor=self.request.user, institution=self.object, **form.service_fields()
        )
