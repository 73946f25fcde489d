"""Public pages, no login: the tip-off form, the institution search it uses, and tracking.

What they may show: registry institutions' name, address and district; a reporter's own
tip-off status and public reply, to whoever holds its code and secret. Nothing else.
"""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bureaus import ratelimit
from bureaus.pages import public
from complaints import selectors, uploads
from complaints.forms import PublicComplaintForm, TrackForm
from complaints.models import Complaint
from complaints.services import intake

logger = logging.getLogger(__name__)


def rate_limited(request, scope: str, *, limit: int, window: int = 60) -> bool:
    """The shared per-address limit (bureaus.ratelimit), under this app's scopes."""
    return ratelimit.rate_limited(request, f"complaints:{scope}", limit=limit, window=window)


def submit_limit() -> int:
    return settings.COMPLAINT_SUBMIT_RATE_PER_MINUTE


def _too_large(request) -> bool:
    """A request bigger than six files of the maximum size is refused before it is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > uploads.MAX_FILES * uploads.max_bytes() + 1024 * 1024


@public("the public tip-off form (anonymous allowed), rate-limited per address")
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_submit(request):
    if request.method == "POST" and _too_large(request):
        return render(
            request,
            "complaints/public/submit.html",
            {
                "form": PublicComplaintForm(),
                "refused": _(
                    "The files are too large: at most 6 files of %(mb)s MB each. Your tip-off "
                    "was not saved."
                )
                % {"mb": uploads.max_bytes() // (1024 * 1024) or 1},
            },
            status=413,
        )
    if request.method == "POST":
        if rate_limited(request, "submit", limit=submit_limit()):
            logger.warning("public tip-off refused: rate limit")
            # Keep what they typed (not the files) so nothing is lost while they wait.
            kept = {k: v for k, v in request.POST.items() if k in PublicComplaintForm.base_fields}
            kept.pop("website", None)
            return render(
                request,
                "complaints/public/submit.html",
                {
                    "form": PublicComplaintForm(initial=kept),
                    "refused": _(
                        "Too many submissions from your network in the last minute. Your "
                        "tip-off was not saved: please wait a minute and try again."
                    ),
                },
                status=429,
            )
        form = PublicComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            complaint, secret = intake.complaint_submit_public(
                bureau=data["bureau"],
                files=data["files"],
                **intake.report_fields({**data, "institution": data["institution_obj"]}),
            )
            uploads.held_discard(data.get("held"))
            return render(
                request,
                "complaints/public/submitted.html",
                {"title": _("Tip-off received"), "complaint": complaint, "secret": secret},
            )
        held = form.hold_files()
        status = 400
    else:
        form = PublicComplaintForm(initial=_prefill(request.GET.get("institution")))
        held = None
        status = 200
    context = {"form": form, "held": held, "held_kinds": _held_summary(held)}
    return render(request, "complaints/public/submit.html", context, status=status)


def _prefill(institution_id) -> dict:
    """ "举报此机构" on an institution's public page opens the form with it chosen."""
    try:
        institution = selectors.institution_public_get(pk=int(institution_id))
    except (TypeError, ValueError):
        return {}
    if institution is None:
        return {}
    return {
        "institution": institution.pk,
        "institution_name": institution.name,
        "institution_address": institution.address,
    }


def _held_summary(token) -> str:
    kinds = uploads.held_kinds(token)
    if not kinds:
        return ""
    pdfs = sum(1 for k in kinds if k == "application/pdf")
    photos = len(kinds) - pdfs
    parts = []
    if photos:
        parts.append(_("%(n)s photo(s)") % {"n": photos})
    if pdfs:
        parts.append(_("%(n)s PDF(s)") % {"n": pdfs})
    return _(", ").join(parts)


@public("search-as-you-type over the registry: name, address and district only, rate-limited")
@require_GET
def institution_search(request):
    q = request.GET.get("q") or request.GET.get("institution_name", "")
    limit = settings.PUBLIC_SEARCH_RATE_PER_MINUTE
    if len(q.strip()) >= 2 and rate_limited(request, "institution-search", limit=limit):
        return JsonResponse(
            {"results": [], "error": _("Too many attempts. Please wait a minute and try again.")},
            status=429,
        )
    results = selectors.institution_public_search(q=q)
    if getattr(request, "htmx", False):
        return render(request, "complaints/public/_institution_results.html", {"results": results})
    return JsonResponse({"results": results})


_PUBLIC_STATUS = {
    Complaint.Status.RECEIVED: gettext_lazy("Received, awaiting review"),
    Complaint.Status.ACCEPTED: gettext_lazy("Being handled"),
    Complaint.Status.ASSIGNED: gettext_lazy("Being handled"),
    Complaint.Status.INVESTIGATING: gettext_lazy("Being handled"),
    Complaint.Status.CONCLUDED: gettext_lazy("Answered"),
    Complaint.Status.CLOSED: gettext_lazy("Answered"),
    Complaint.Status.REJECTED: gettext_lazy("Not accepted"),
}


def public_status(complaint: Complaint) -> dict:
    """What the reporter may read: a public status and the bureau's reply. A merged tip-off
    follows the original it was merged into."""
    shown = complaint.duplicate_of if complaint.status == Complaint.Status.MERGED else complaint
    return {
        "tracking_code": complaint.tracking_code,
        "received_on": complaint.received_at,
        "merged": complaint.status == Complaint.Status.MERGED,
        "status": str(_PUBLIC_STATUS.get(shown.status, _("Being handled"))),
        "reply": shown.public_reply if shown.status in Complaint.FINISHED_STATUSES else "",
        "answered_at": shown.concluded_at,
        "timeline": selectors.complaint_public_timeline(complaint=complaint),
    }


@public("a reporter follows their own tip-off with its code and secret")
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_track(request):
    result = None
    not_found = False
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if rate_limited(request, "track", limit=30):
            form.add_error(None, _("Too many attempts. Please wait a minute and try again."))
            status = 429
        elif form.is_valid():
            complaint = intake.complaint_track(
                tracking_code=form.cleaned_data["tracking_code"],
                secret=form.cleaned_data["secret"],
            )
            if complaint is None:
                # The same answer for an unknown code and a wrong secret.
                not_found = True
            else:
                result = public_status(complaint)
    else:
        form = TrackForm(initial={"tracking_code": request.GET.get("code", "")})
    return render(
        request,
        "complaints/public/track.html",
        {"title": _("Follow a tip-off"), "form": form, "result": result, "not_found": not_found},
        status=status,
    )
