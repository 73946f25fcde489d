"""The API face of a workflow: one action per transition."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response


class TransitionStateSerializer(serializers.Serializer):
    """GET on a transition: whether the requesting user may take it now."""

    status = serializers.CharField()
    transition = serializers.CharField()
    allowed = serializers.BooleanField()


def workflow_action(
    name: str,
    *,
    serializer_class,
    service,
    output,
    record: str,
    allowed,
    verb: str = "change",
):
    """An @action for one step of a record's workflow on a scoped viewset.

    GET says whether the record's state allows the step now (`allowed(record) -> list`);
    POST validates the payload with `serializer_class` (which gets the record in its context
    under `record`), calls `service(actor=…, <record>=…, **validated_data)` and answers with
    `output`. A refusal raised by the service (ValidationError / PermissionDenied) becomes a
    400 with field errors / a 403 through core.errors.api_exception_handler. GET is a read;
    POST needs the viewset's `permission_object` + `verb` in the permission table."""

    def handler(self, request, pk=None):
        obj = self.get_object()
        if request.method in SAFE_METHODS:
            data = {
                "status": obj.status,
                "transition": name,
                "allowed": name in allowed(obj),
            }
            return Response(TransitionStateSerializer(data).data)
        serializer = serializer_class(data=request.data, context={"request": request, record: obj})
        serializer.is_valid(raise_exception=True)
        result = service(actor=request.user, **{record: obj}, **serializer.validated_data)
        obj = result if isinstance(result, type(obj)) else type(obj)._default_manager.get(pk=obj.pk)
        return Response(output(obj, context={"request": request}).data)

    handler.__name__ = name
    handler.__doc__ = (service.__doc__ or "").strip().splitlines()[0]
    handler = extend_schema(methods=["GET"], responses=TransitionStateSerializer, request=None)(
        handler
    )
    handler = extend_schema(methods=["POST"], request=serializer_class, responses=output)(handler)
    return action(
        detail=True,
        methods=["get", "post"],
        url_path=name,
        url_name=name,
        permission_verbs={"get": "view", "post": verb},
    )(handler)
