"""Staff pages: campaigns and shares with their figures, visits (the inspector's phone page),
rectification notices and their steps, draws with their replay. One module per part;
everything is re-exported here for the URL configuration."""

from inspections.views.campaigns import (
    CampaignDetailView,
    CampaignExportView,
    CampaignListView,
    ShareDetailView,
    ShareListView,
    statistics_workbook,
)
from inspections.views.draws import DrawDetailView, DrawMakeView
from inspections.views.notices import (
    NoticeDetailView,
    NoticeDocumentView,
    NoticeIssueView,
    NoticeListView,
    NoticeReissueView,
    NoticeRejectView,
    NoticeSanctionView,
    NoticeStepView,
    NoticeSubmitView,
    NoticeVerifyView,
    PolicyView,
)
from inspections.views.visits import (
    ConcludeCitingVisitView,
    InspectionAcknowledgeView,
    InspectionAnswerView,
    InspectionConcludeView,
    InspectionDetailView,
    InspectionRepresentativeView,
    InspectionStartView,
    InspectionStepView,
    VisitFromComplaintView,
)

__all__ = [
    "CampaignDetailView",
    "CampaignExportView",
    "CampaignListView",
    "ConcludeCitingVisitView",
    "DrawDetailView",
    "DrawMakeView",
    "InspectionAcknowledgeView",
    "InspectionAnswerView",
    "InspectionConcludeView",
    "InspectionDetailView",
    "InspectionRepresentativeView",
    "InspectionStartView",
    "InspectionStepView",
    "NoticeDetailView",
    "NoticeDocumentView",
    "NoticeIssueView",
    "NoticeListView",
    "NoticeReissueView",
    "NoticeRejectView",
    "NoticeSanctionView",
    "NoticeStepView",
    "NoticeSubmitView",
    "NoticeVerifyView",
    "PolicyView",
    "ShareDetailView",
    "ShareListView",
    "VisitFromComplaintView",
    "statistics_workbook",
]
