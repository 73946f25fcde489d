"""The API's error answers: DRF's, plus a duplicate or conflicting row as a 400."""

from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# PostgreSQL: unique_violation, exclusion_violation.
_CONFLICTS = {"23505", "23P01"}


def exception_handler(exc, context):
    """A unique or exclusion constraint that a serializer did not foresee (two requests racing
    for the same key) is the caller's conflict, answered 400 with the constraint's name, never
    a 500. The failed statement was inside the model's own transaction, so nothing was written."""
    if isinstance(exc, IntegrityError):
        code = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
        if code in _CONFLICTS:
            diag = getattr(exc.__cause__, "diag", None)
            return Response(
                {
                    "non_field_errors": [_("A record with these values already exists.")],
                    "constraint": getattr(diag, "constraint_name", None),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
    return drf_exception_handler(exc, context)
