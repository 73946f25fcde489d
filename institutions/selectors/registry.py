"""Staff reads of the registry: list columns, search and licence conditions, and an
institution's own record for its portal."""

import datetime as dt

from django.db.models import BooleanField, CharField, DateField, Exists, Expression, OuterRef, Q
from django.utils import timezone

from bureaus.models import Street
from bureaus.scoping import acting_membership
from core.api.compiled import Shapes
from core.compiled import EMPTY, Compiled
from institutions.models import Credential, Institution, ListEntry, Staff


class _OfTheRow(Expression):
    """A scalar subquery on the institution of each row, as SQL written once: `{row}` stands
    for the row's id, `{alias}` for its table (the base table, or its alias when the query is
    itself a subquery).

    The list annotations were Exists/Subquery expressions: building and compiling them took
    more of a list request than its SQL (issue 11), and PostgreSQL planned each Exists as a
    hashed subplan that read every district's list entries on every page. A scalar subquery
    is probed per row shown, through the unique index it names."""

    def __init__(self, sql, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(next(iter(compiler.query.alias_map)))
        sql = self.sql.replace("{row}", f'{alias}."id"').replace("{alias}", alias)
        return sql, self.params


def _entry_flag(kind, *, published=False):
    # At most one entry of a kind is active (the unique index list_entry_one_active_per_kind).
    return _OfTheRow(_PUBLISHED_ENTRY_SQL if published else _ENTRY_SQL, [kind], BooleanField())


_ENTRY_SQL = (
    'COALESCE((SELECT true FROM "institutions_listentry" e WHERE e."institution_id" = {row}'
    ' AND e."kind" = %s AND e."lifted_on" IS NULL LIMIT 1), false)'
)
_PUBLISHED_ENTRY_SQL = _ENTRY_SQL.replace(
    "IS NULL LIMIT 1", 'IS NULL AND e."published_on" IS NOT NULL LIMIT 1'
)


def _licence(column, field):
    # One credential of a kind per institution (the unique index credential_one_per_kind).
    return _OfTheRow(
        _LICENCE_SQL.replace("{column}", column), [Credential.Kind.SCHOOL_LICENCE], field
    )


_LICENCE_SQL = (
    '(SELECT c."{column}" FROM "institutions_credential" c WHERE c."institution_id" = {row}'
    ' AND c."kind" = %s LIMIT 1)'
)


def institution_annotate(queryset, *, related=True):
    """List membership and licence expiry as columns, so a list page is one query; `related`
    also joins the street and the bureau (the pages show their names; the API only ids)."""
    if related:
        queryset = queryset.select_related("street", "bureau")
    return queryset.annotate(
        on_white=_entry_flag(ListEntry.Kind.WHITE),
        on_black=_entry_flag(ListEntry.Kind.BLACK),
        licence_number=_licence("number", CharField()),
        licence_expires_on=_licence("expires_on", DateField()),
    )


def institution_list(*, user):
    """The institutions the user may see (own subtree), annotated for the list."""
    return institution_annotate(Institution.objects.visible_to(user))


class _StreetsVersion(Expression):
    """A digest of the streets of `bureau_ids` (each one's district, id and name, as JSON) as an
    uncorrelated scalar subquery: PostgreSQL computes it once a statement (an InitPlan),
    whatever the rows."""

    def __init__(self, bureau_ids):
        super().__init__(output_field=CharField())
        self.bureau_ids = tuple(bureau_ids)

    def as_sql(self, compiler, connection):
        if not self.bureau_ids:
            return "''", ()
        marks = ", ".join(["%s"] * len(self.bureau_ids))
        return _STREETS_VERSION_SQL.replace("{ids}", marks), self.bureau_ids


_STREETS_VERSION_SQL = (
    '(SELECT md5(coalesce(json_agg(json_build_array(s."bureau_id", s."id", s."name")'
    ' ORDER BY s."id")::text, \'\')) FROM "bureaus_street" s WHERE s."bureau_id" IN ({ids}))'
)


def streets_version(*, user):
    """An expression for a list's statement: the version of the streets the user may filter
    by (street_options), read in the same statement as the rows."""
    membership = acting_membership(user)
    return _StreetsVersion(membership.bureau.subtree_ids() if membership is not None else ())


# The street options' statement by the subtree it reads, and the options by subtree and
# version (street_options).
_STREETS = Shapes()
_OPTIONS = Shapes()


def street_options(*, user, version: str | None = None) -> tuple[tuple[int, str], ...]:
    """(id, name) of the streets the user may filter the registry by, in the street filter's
    order (Street.objects.visible_to). With `version` (streets_version, read by the caller's
    statement in this request), the options kept for that subtree and version, if any; else
    read by the statement the ORM compiled for the first read of the same subtree (only SQL is
    kept) and kept under `version`. A street added, renamed, moved or removed changes the
    version the next statement reads, so the options are never older than that statement: the
    page reads them with no query of their own (issue 11)."""
    membership = acting_membership(user)
    if membership is None:
        return ()
    subtree = tuple(membership.bureau.subtree_ids())
    if version is not None:
        options = _OPTIONS.get((subtree, version))
        if options is not None:
            return options
    statement = _STREETS.get(subtree)
    if statement is None:
        statement = Compiled.of(Street.objects.visible_to(user).values("id", "name"))
        _STREETS.put(subtree, statement)
    rows = () if statement is EMPTY else statement.rows()
    options = tuple((row["id"], row["name"]) for row in rows)
    if version is not None:
        # Read after the version was: as new as it, or newer (never older).
        _OPTIONS.put((subtree, version), options)
    return options


def search_condition(query: str) -> Q:
    """Name, pinyin initials or credit code, as staff and parents type them."""
    query = query.strip()
    compact = "".join(query.split())
    if len(compact) == 2:
        # Two characters make no trigram: look the piece up in the bigram array instead.
        pieces = [compact.upper()] + ([compact.lower()] if compact.isascii() else [])
        return Q(search_bigrams__overlap=pieces)
    condition = Q(name__icontains=query)
    if compact.isascii():
        # Initials are stored in lower case: `contains` uses their trigram index as is.
        condition |= Q(name_initials__contains=compact.lower())
        if len(compact) == 18:
            condition |= Q(credit_code=compact.upper())
    return condition


def licence_condition(state: str, today: dt.date | None = None) -> Q:
    """Institutions whose school-running licence is valid / expiring / expired / missing."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=60)
    licences = Credential.objects.filter(
        institution=OuterRef("pk"), kind=Credential.Kind.SCHOOL_LICENCE
    )
    if state == "missing":
        return ~Q(Exists(licences))
    if state == "expired":
        return Q(Exists(licences.filter(expires_on__lt=today)))
    if state == "expiring":
        return Q(Exists(licences.filter(expires_on__gte=today, expires_on__lte=soon)))
    if state == "valid":
        return Q(Exists(licences.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))))
    return Q()


def institution_get_for_portal(*, pk: int) -> Institution:
    """One institution's own record, for its portal (the caller, portal.access, has established
    that the account speaks for it): with its credentials and teaching sites."""
    return (
        Institution.objects.select_related("street", "bureau")
        .prefetch_related("credentials", "sites")
        .get(pk=pk)
    )


def institution_staff_for_portal(*, institution_id: int) -> list:
    """The institution's staff register by name, for its own portal's choices of teachers."""
    return list(Staff.objects.filter(institution_id=institution_id).order_by("name", "id"))
