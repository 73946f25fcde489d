"""Campaigns (专项检查, 回头看…), their checklists, visits to institutions with their findings and
photos, random draws (双随机) and rectification notices (整改通知书) chased to the end.

Tenancy: a campaign belongs to the bureau that issued it (a district, or a city/province);
each district runs its own share (`CampaignShare`, owned by the district), and every visit,
draw and notice hangs under a share, so a district sees only its own work and the issuer sees
every share below it.

One module per part (checklists, campaigns, visits, notices, draws, figures); everything is
re-exported here, so `from inspections.models import X` reads as before."""

from inspections.models.campaigns import (
    DEFAULT_REPORT_DAYS,
    Campaign,
    CampaignItem,
    CampaignPhase,
    CampaignShare,
)
from inspections.models.checklists import ChecklistItem, ChecklistTemplate
from inspections.models.citations import ComplaintCitation
from inspections.models.draws import Draw, DrawPool, InspectorRecusal
from inspections.models.figures import ShareFigures
from inspections.models.notices import InspectionPolicy, RectificationNotice
from inspections.models.visits import (
    Finding,
    FindingPhoto,
    Inspection,
    InspectionAcknowledgement,
    _photo_path,
)

__all__ = [
    "DEFAULT_REPORT_DAYS",
    "Campaign",
    "CampaignItem",
    "CampaignPhase",
    "CampaignShare",
    "ChecklistItem",
    "ChecklistTemplate",
    "ComplaintCitation",
    "Draw",
    "DrawPool",
    "Finding",
    "FindingPhoto",
    "Inspection",
    "InspectionAcknowledgement",
    "InspectionPolicy",
    "InspectorRecusal",
    "RectificationNotice",
    "ShareFigures",
    "_photo_path",
]
