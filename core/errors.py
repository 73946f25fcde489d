"""One mapping of a service's refusal (Django's ValidationError / PermissionDenied) to what a
person or a program sees: field errors on a form, a structured 400 on the API."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions as drf

from bureaus.api.errors import exception_handler as base_exception_handler


def error_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    """{"field": ["message", …]}; errors about no field under "non_field_errors"."""
    if hasattr(exc, "error_dict"):
        return {
            field if field != "__all__" else "non_field_errors": messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def form_add_errors(form, exc: DjangoValidationError) -> None:
    """Show a service refusal on the form field it concerns, or above the form."""
    for field, messages in error_dict(exc).items():
        form.add_error(field if field in form.fields else None, messages)


def api_exception_handler(exc, context):
    """The API's one handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]): a service's
    ValidationError is a 400 with field errors, its PermissionDenied a 403 with its message;
    then bureaus' handler (a duplicate-key race is a 400) and DRF's."""
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(error_dict(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied(str(exc) or None)
    return base_exception_handler(exc, context)
