"""The courses API: filed courses (filters rule/subject/delivery/status), filing one (POST),
a `check` that validates a filing without saving, the district's accept and return, and the
sessions of the timetables."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from bureaus.api.base import ScopedReadOnlyViewSet
from core.api.workflow import workflow_action
from courses import selectors
from courses.api import serializers as s
from courses.forms import CourseFilterForm
from courses.models import Course, Session
from courses.services import filing


def _allowed(course):
    return filing.FILING.open_to(course)


class CourseViewSet(ScopedReadOnlyViewSet):
    """?rule=<rule id>&subject=&delivery=&status="""

    queryset = Course.objects.all()
    serializer_class = s.CourseSerializer
    permission_object = "course"

    def scope_queryset(self, queryset):
        form = CourseFilterForm(self.request.query_params or None)
        filters = form.cleaned_data if form.is_valid() else {}
        return selectors.course_list(queryset, filters=filters).order_by("-id")

    @extend_schema(request=s.CourseFilingSerializer, responses={201: s.CourseSerializer})
    def create(self, request):
        """File a course: 201, or 400 with every rule broken keyed by field."""
        data = self._filing(request)
        course = filing.course_submit(actor=request.user, **data)
        return Response(s.CourseSerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=s.CourseCheckStateSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.CourseFilingSerializer, responses=s.CheckResultSerializer
    )
    @action(
        detail=False, methods=["get", "post"], permission_verbs={"get": "view", "post": "change"}
    )
    def check(self, request):
        """POST: check a filing against every rule without saving it. GET: the filed courses
        of the scope with the rules each broke at the last nightly check."""
        if request.method == "GET":
            page = self.paginate_queryset(self.get_queryset())
            return self.get_paginated_response(s.CourseCheckStateSerializer(page, many=True).data)
        data = self._filing(request)
        violations = filing.course_check(**data)
        result = {
            "ok": not violations,
            "violations": [
                {"rule": v.rule, "field": filing.RULE_FIELDS.get(v.rule, ""), "message": v.message}
                for v in violations
            ],
        }
        return Response(s.CheckResultSerializer(result).data)

    def _filing(self, request) -> dict:
        serializer = s.CourseFilingSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    accept = workflow_action(
        "accept",
        serializer_class=s.AcceptSerializer,
        service=filing.course_accept,
        output=s.CourseSerializer,
        record="course",
        allowed=_allowed,
        verb="decide",
    )


class SessionViewSet(ScopedReadOnlyViewSet):
    """The sessions of filed timetables; ?course=<id>."""

    queryset = Session.objects.all()
    serializer_class = s.SessionSerializer
    permission_object = "course"

    def scope_queryset(self, queryset):
        course = self.request.query_params.get("course", "")
        if course.isdigit():
            queryset = queryset.filter(course_id=int(course))
        return queryset.select_related("course").order_by("course_id", "day", "starts_at", "id")


# "return" is a keyword: the action is set under its own name, where DRF's router finds it.
setattr(
    CourseViewSet,
    "return",
    workflow_action(
        "return",
        serializer_class=s.ReturnSerializer,
        service=filing.course_return,
        output=s.CourseSerializer,
        record="course",
        allowed=_allowed,
        verb="decide",
    ),
)
