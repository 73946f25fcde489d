from rest_framework import serializers

from bureaus.api.base import ScopedRelatedField
from courses.models import Course, Session, Subject
from institutions.models import Institution


class SessionSerializer(serializers.ModelSerializer):
    course_name = serializers.CharField(source="course.name", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "course", "course_name", "day", "starts_at", "ends_at", "pattern"]


class CourseSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "institution",
            "institution_name",
            "name",
            "subject",
            "is_academic",
            "grades",
            "delivery",
            "site",
            "class_size",
            "class_hours",
            "lesson_minutes",
            "break_minutes",
            "price_per_hour_fen",
            "package_price_fen",
            "package_hours",
            "package_months",
            "status",
            "return_reasons",
            "submitted_at",
            "decided_at",
            "violations",
        ]
        read_only_fields = fields


class PatternInSerializer(serializers.Serializer):
    weekday = serializers.IntegerField()
    starts_at = serializers.CharField(max_length=8)
    ends_at = serializers.CharField(max_length=8)
    first_day = serializers.CharField(max_length=10)
    last_day = serializers.CharField(max_length=10)


class SessionInSerializer(serializers.Serializer):
    day = serializers.CharField(max_length=10)
    starts_at = serializers.CharField(max_length=8)
    ends_at = serializers.CharField(max_length=8)


class MaterialInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CourseFilingSerializer(serializers.Serializer):
    """A filing as sent: times as "HH:MM" and dates as "YYYY-MM-DD" (checked by the service,
    which names the offending session); money in fen."""

    institution = ScopedRelatedField(queryset=Institution.objects.all())
    name = serializers.CharField(max_length=200)
    subject = serializers.ChoiceField(choices=Subject.choices)
    grades = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=13)
    delivery = serializers.ChoiceField(choices=Course.Delivery.choices)
    site = serializers.IntegerField(required=False, allow_null=True)
    class_size = serializers.IntegerField(required=False, default=20)
    class_hours = serializers.IntegerField()
    lesson_minutes = serializers.IntegerField()
    break_minutes = serializers.IntegerField(required=False, default=10)
    price_per_hour_fen = serializers.IntegerField()
    package_price_fen = serializers.IntegerField(required=False, default=0)
    package_hours = serializers.IntegerField(required=False, default=0)
    package_months = serializers.IntegerField(required=False, default=0)
    patterns = PatternInSerializer(many=True, required=False, default=list)
    sessions = SessionInSerializer(many=True, required=False, default=list)
    teacher_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=50
    )
    materials = MaterialInSerializer(many=True, required=False, default=list)

    def validate_patterns(self, value):
        if len(value) > 50:
            raise serializers.ValidationError("≤ 50")
        return value

    def validate_sessions(self, value):
        if len(value) > 500:
            raise serializers.ValidationError("≤ 500")
        return value


class ViolationSerializer(serializers.Serializer):
    rule = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class CheckResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    violations = ViolationSerializer(many=True)


class ReturnSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=2000)


class AcceptSerializer(serializers.Serializer):
    pass


class CourseCheckStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "name", "status", "violations"]
        read_only_fields = fields
