"""Public pages, no login: look an institution up before paying, and each district's published
white and black lists. They read through selectors that return published data only: never
contacts, staff, unpublished or lifted entries."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from bureaus import ratelimit
from bureaus.models import Bureau
from bureaus.pages import pk_link, public
from institutions import extensions, official_documents, selectors
from institutions.models import ListEntry


@public(
    "public lookup of institutions: published disclosure only "
    "(selectors.institution_public_search_page), rate-limited per address"
)
@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    if len(query) >= 2 and ratelimit.rate_limited(
        request, "institutions:search", limit=settings.PUBLIC_SEARCH_RATE_PER_MINUTE
    ):
        return render(
            request,
            "institutions/public/search.html",
            {"query": query, "rate_limited": True},
            status=429,
        )
    results, broad = _search_page(query)
    link = pk_link("public_institutions:detail")
    for row in results:
        row["detail_url"] = link(row["id"])
    return render(
        request,
        "institutions/public/search.html",
        {
            "query": query,
            "results": results,
            "broad": broad,
            "too_short": 0 < len(query) < 2,
            "limit": selectors.PUBLIC_RESULTS,
        },
    )


# A broad fragment (培训: most of the registry) gets the same first page for every visitor: it
# is kept this long in Redis, so a handful of clients typing it cannot saturate the database
# (issue 11). A narrower query is always read fresh.
BROAD_SEARCH_SECONDS = 60


def _search_page(query: str) -> tuple[list[dict], bool]:
    key = "institutions:public-search:broad:" + hashlib.sha256(query.encode()).hexdigest()
    results = cache.get(key)
    if results is not None:
        return results, True
    results, broad = selectors.institution_public_search_page(query=query)
    if broad:
        cache.set(key, results, BROAD_SEARCH_SECONDS)
    return results, broad


@public("public disclosure (亮证) of one institution: licences, scope, published lists")
@require_GET
def detail(request, pk):
    row = selectors.public_institution_get(pk=pk)
    if row is None:
        raise Http404
    panels = extensions.render_panels("public", request, row)
    return render(
        request, "institutions/public/detail.html", {"institution": row, "panels": panels}
    )


@public("index of the districts whose lists are published")
@require_GET
def list_index(request):
    districts = Bureau.objects.filter(level=Bureau.Level.DISTRICT).order_by("code")
    return render(request, "institutions/public/list_index.html", {"districts": districts})


@public("a district's published white and black lists")
@require_GET
def district_lists(request, code):
    bureau = get_object_or_404(Bureau, code=code, level=Bureau.Level.DISTRICT)
    return render(
        request,
        "institutions/public/district_lists.html",
        {
            "bureau": bureau,
            "white": selectors.public_list_entries(bureau=bureau, kind=ListEntry.Kind.WHITE),
            "black": selectors.public_list_entries(bureau=bureau, kind=ListEntry.Kind.BLACK),
            "pdfs": official_documents.latest_list_documents(bureau=bureau),
        },
    )
