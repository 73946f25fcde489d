"""What the public may see of the registry: one rule (institution_public_queryset) for every
public search and page, public fields only, published list entries only."""

from django.db import connection
from django.db.models import BooleanField, Q
from django.utils import timezone

from core.compiled import EMPTY, MARK, Compiled
from institutions.models import Credential, Institution, ListEntry
from institutions.selectors.registry import _entry_flag, _OfTheRow, search_condition

PUBLIC_RESULTS = 20
# A public search reads at most this many matches before ordering them: a fragment that most
# of the registry shares (培训) answers from a capped set and asks for more of the name.
PUBLIC_CANDIDATES = 1000

# What the public may see: never personal data (contacts, staff), never unpublished entries.
PUBLIC_FIELDS = (
    "id",
    "name",
    "credit_code",
    "category",
    "status",
    "delivery",
    "address",
    "bureau__name",
    "bureau__code",
)


def institution_public_queryset():
    """The public registry rule, for every public search and page: the institutions anyone may
    look up are every one past its application (筹设), and any with a published list entry (an
    unlicensed one found by a survey and black-listed). Callers read public fields only."""
    return Institution.objects.filter(~Q(status=Institution.Status.PREPARING) | Q(_PUBLISHED_ENTRY))


# An active published list entry of the row, probed per row (only for one still in 筹设): as
# an Exists, PostgreSQL hashed every district's published entries on every search (issue 11).
_PUBLISHED_ENTRY = _OfTheRow(
    'COALESCE((SELECT true FROM "institutions_listentry" e WHERE e."institution_id" = {row}'
    ' AND e."published_on" IS NOT NULL AND e."lifted_on" IS NULL LIMIT 1), false)',
    [],
    BooleanField(),
)


def institution_public_search(*, query: str) -> list[dict]:
    """Search across every bureau by name, pinyin initials or credit code (public, no login):
    the first page of institution_public_search_page."""
    return institution_public_search_page(query=query)[0]


def _first_candidates(queryset) -> list[tuple]:
    """(pk, name, candidates) of the first page in name order, from at most
    PUBLIC_CANDIDATES + 1 rows of `queryset` read in no order.

    The candidates are a FROM subquery ordered after the cap: as `pk IN (subquery)` the planner
    walked the whole registry in name order, probing the candidates for every row."""
    candidates = queryset.order_by().values_list("pk", "name")[: PUBLIC_CANDIDATES + 1]
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # `sql` is the ORM's own compiled query; every value stays a bound parameter.
            f"SELECT c.*, count(*) OVER () FROM ({sql}) AS c ORDER BY 2, 1 LIMIT %s",  # noqa: S608
            [*params, PUBLIC_RESULTS],
        )
        return cursor.fetchall()


def institution_public_search_page(*, query: str) -> tuple[list[dict], bool]:
    """The public search with bounded cost: (rows, broad). At most PUBLIC_CANDIDATES + 1
    matches are read (in no order, so the scan stops early); the first page is taken from
    them in name order, and `broad` says more matched (the page asks for a fuller name).
    The rows follow the public registry rule (institution_public_queryset)."""
    query = (query or "").strip()
    if len(query) < 2:
        return [], False
    condition = search_condition(query)
    # The public rule's matches first (the rare one still in 筹设 with a published list entry
    # is probed per row, not hashed). Broad means more than PUBLIC_CANDIDATES of them past
    # their application, whose page is then shown: only when the public rule matched more
    # than that are those counted apart, so a narrow query is one query (issue 11).
    page = _first_candidates(institution_public_queryset().filter(condition))
    broad = False
    if page and page[0][2] > PUBLIC_CANDIDATES:
        past_application = _first_candidates(
            Institution.objects.exclude(status=Institution.Status.PREPARING).filter(condition)
        )
        broad = bool(past_application) and past_application[0][2] > PUBLIC_CANDIDATES
        if broad:
            page = past_application
    if not page:
        return [], False
    ids = [pk for pk, _name, _count in page]
    rows = _PUBLIC_ROWS.all(ids)
    _attach_public_licences(rows)
    return rows, broad


def public_institution_get(*, pk: int) -> dict | None:
    """One institution's public disclosure (亮证): licences, approved scope, published lists."""
    row = _PUBLIC_DETAIL.first(pk)
    if row is None:
        return None
    _attach_public_licences([row])
    row["entries"] = _PUBLIC_ENTRIES.all(pk)
    return row


class _CompiledValues:
    """A `.values()` query of one parameter, compiled to SQL once per process and then run with
    each request's value (core.compiled): the public institution page is anonymous, cheap in
    SQL (under a millisecond) and was spent mostly building and compiling its querysets,
    Exists subqueries and all (issue 11). The value stays a bound parameter."""

    def __init__(self, build, *, many=False):
        """`build(value)`: the queryset; with `many`, `value` is a list of ids (see _any)."""
        self.build = build
        self.mark = [MARK] if many else MARK
        self.compiled = None

    def _compile(self):
        compiled = Compiled.of(self.build(self.mark), mark=self.mark)
        if compiled is EMPTY or not compiled.marks:
            raise ValueError("the query does not use its parameter")
        self.compiled = compiled
        return compiled

    def all(self, value) -> list[dict]:
        return (self.compiled or self._compile()).rows_for(value)

    def first(self, value) -> dict | None:
        rows = self.all(value)
        return rows[0] if rows else None


_PUBLIC_DETAIL = _CompiledValues(
    lambda pk: (
        institution_public_queryset()
        .filter(pk=pk)
        .annotate(
            on_white=_entry_flag(ListEntry.Kind.WHITE, published=True),
            on_black=_entry_flag(ListEntry.Kind.BLACK, published=True),
        )
        .order_by()
        .values(*PUBLIC_FIELDS, "on_white", "on_black")[:1]
    )
)
_PUBLIC_ENTRIES = _CompiledValues(
    lambda pk: ListEntry.objects.filter(
        institution_id=pk, published_on__isnull=False, lifted_on__isnull=True
    ).values("kind", "reason", "decided_on", "published_on")
)


def _any(ids, column="id"):
    """`column = ANY(%s)`: one array parameter whatever the number of ids, so a query
    compiled once serves every page of results."""
    return _OfTheRow(f'{{alias}}."{column}" = ANY(%s)', [ids], BooleanField())


# The public search's page of rows, in name order (the ids of its first candidates).
_PUBLIC_ROWS = _CompiledValues(
    lambda ids: (
        Institution.objects.filter(_any(ids))
        .annotate(
            on_white=_entry_flag(ListEntry.Kind.WHITE, published=True),
            on_black=_entry_flag(ListEntry.Kind.BLACK, published=True),
        )
        .order_by("name", "id")
        .values(*PUBLIC_FIELDS, "on_white", "on_black")
    ),
    many=True,
)

_CREDENTIAL_FIELDS = (
    "institution_id",
    "kind",
    "number",
    "issuer",
    "issued_on",
    "expires_on",
    "scope",
)
_PUBLIC_CREDENTIALS = _CompiledValues(
    lambda ids: Credential.objects.filter(_any(ids, "institution_id")).values(*_CREDENTIAL_FIELDS),
    many=True,
)


def _attach_public_licences(rows: list[dict]) -> None:
    """Each row's credentials, its school licence and that licence's state."""
    today = timezone.localdate()
    by_institution: dict[int, list] = {}
    for c in _PUBLIC_CREDENTIALS.all([r["id"] for r in rows]):
        c["valid"] = c["expires_on"] is None or c["expires_on"] >= today
        by_institution.setdefault(c["institution_id"], []).append(c)
    for row in rows:
        credentials = by_institution.get(row["id"], [])
        row["credentials"] = credentials
        licence = next((c for c in credentials if c["kind"] == "school_licence"), None)
        row["licence"] = licence
        row["licence_state"] = (
            "none" if licence is None else ("valid" if licence["valid"] else "expired")
        )


def public_list_entries(*, bureau, kind: str):
    """A district's published, not lifted, list entries."""
    return (
        ListEntry.objects.filter(
            bureau=bureau, kind=kind, published_on__isnull=False, lifted_on__isnull=True
        )
        .select_related("institution")
        .order_by("-published_on", "institution__name")
    )
