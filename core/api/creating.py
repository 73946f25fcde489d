"""The API face of a service that creates a record: POST on a scoped viewset's list."""

from rest_framework import status
from rest_framework.response import Response


def create_through_service(view, request, *, serializer_class, service):
    """Validate the payload with `serializer_class` (the request in its context), call
    `service(actor=request.user, **validated_data)` and answer 201 with the viewset's own
    serializer of the record it returns. A refusal raised by the service becomes a 400 / 403
    through core.errors.api_exception_handler, with nothing written."""
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    record = service(actor=request.user, **serializer.validated_data)
    return Response(view.get_serializer(record).data, status=status.HTTP_201_CREATED)
