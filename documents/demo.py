"""Demo documents: one issued notice per demo district, so the registry, the verification page
and the seal have something to show after `make run` (idempotent by key)."""

from bureaus.demo import DISTRICTS
from bureaus.models import Bureau
from documents import services
from documents.models import IssuedDocument

PARAGRAPHS = [
    "为贯彻落实《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》，"
    "我局决定于寒假期间开展校外培训机构专项检查。",
    "请各街道会同市场监管、消防等部门，对辖区内校外培训机构的办学许可、收费公示、"
    "预收费资金监管和消防安全情况逐一检查，并于检查结束后五个工作日内报送检查情况。",
    "特此通知。",
]


def seed() -> None:
    """Issue the demo notice of each demo district (skipped where it exists)."""
    for bureau in Bureau.objects.filter(code__in=list(DISTRICTS)).order_by("code"):
        services.document_issue(
            actor=None,
            bureau=bureau,
            kind=IssuedDocument.Kind.NOTICE,
            title="关于开展寒假校外培训机构专项检查的通知",
            template="documents/pdf/notice.html",
            context={"paragraphs": PARAGRAPHS},
            recipient="各街道（镇）",
            idempotency_key="demo:winter-inspection-notice",
        )
