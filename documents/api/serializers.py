from rest_framework import serializers

from documents.models import IssuedDocument


class IssuedDocumentSerializer(serializers.ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    superseded = serializers.BooleanField(read_only=True)
    issued_by = serializers.StringRelatedField(read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "bureau",
            "bureau_name",
            "kind",
            "kind_label",
            "year",
            "serial",
            "number",
            "title",
            "recipient",
            "topic",
            "issued_at",
            "issued_on",
            "issued_by",
            "sha256",
            "pages",
            "public",
            "supersedes",
            "superseded",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        request = self.context.get("request")
        path = f"/api/v1/documents/{obj.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path
