"""The public verification page (no login): a document by its unguessable token, and the
check of an uploaded PDF. It shows number, bureau, kind, date, title, hash and supersession,
never the body, the recipient or who issued it; nothing here lists documents."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bureaus import ratelimit
from bureaus.pages import public
from documents import selectors
from documents.forms import VerifyForm
from documents.models import IssuedDocument
from documents.views import pdf_response

# Each check hashes the file and validates its signature: bounded per address (Redis).
CHECKS_PER_MINUTE = 30


def _over_limit(request) -> bool:
    """Count one check from the client's address (hashed, never stored)."""
    return ratelimit.rate_limited(request, "documents:verify", limit=CHECKS_PER_MINUTE)


def _verdict(request, form):
    if request.method != "POST" or not form.is_valid():
        return None
    if _over_limit(request):
        form.add_error("file", _("Too many checks from your address: try again in a minute."))
        return None
    upload = form.cleaned_data["file"]
    if upload.size > selectors.MAX_UPLOAD_BYTES:
        return selectors.Verdict(selectors.Verdict.UNKNOWN, None, selectors.signing.NO_SIGNATURE)
    return selectors.document_verify_file(data=upload.read())


@public("checks an uploaded PDF against the registry by its hash; shows public fields only")
@require_http_methods(["GET", "POST"])
def verify_upload(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = _verdict(request, form)
    return render(
        request,
        "documents/public/verify.html",
        {"form": form, "verdict": verdict, "document": None, "searched": False},
    )


@public("one document by its unguessable token (192 bits): public fields only")
@require_http_methods(["GET", "POST"])
def verify(request, token):
    document = selectors.public_document_get(token=token)
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = _verdict(request, form)
    response = render(
        request,
        "documents/public/verify.html",
        {"form": form, "verdict": verdict, "document": document, "searched": True},
    )
    if document is None and verdict is None:
        response.status_code = 404
    return response


@public("the PDF of a document published to everyone (a district's white or black list)")
@require_GET
def public_pdf(request, token):
    document = IssuedDocument.objects.filter(token=token, public=True).first()
    if document is None:
        raise Http404
    return pdf_response(document)
