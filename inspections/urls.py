from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.ShareListView.as_view(), name="share-list"),
    path("shares/<int:pk>/", views.ShareDetailView.as_view(), name="share-detail"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path(
        "campaigns/<int:pk>/statistics.xlsx",
        views.CampaignExportView.as_view(),
        name="campaign-export",
    ),
    path("visits/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection-detail"),
    path("visits/<int:pk>/start/", views.InspectionStartView.as_view(), name="inspection-start"),
    path("visits/<int:pk>/answer/", views.InspectionAnswerView.as_view(), name="inspection-answer"),
    path(
        "visits/<int:pk>/conclude/",
        views.InspectionConcludeView.as_view(),
        name="inspection-conclude",
    ),
    path(
        "visits/<int:pk>/acknowledge/",
        views.InspectionAcknowledgeView.as_view(),
        name="inspection-acknowledge",
    ),
    path(
        "visits/<int:pk>/representative/",
        views.InspectionRepresentativeView.as_view(),
        name="inspection-representative",
    ),
    path("visits/<int:pk>/notice/", views.NoticeIssueView.as_view(), name="notice-issue"),
    path("notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/submit/", views.NoticeSubmitView.as_view(), name="notice-submit"),
    path("notices/<int:pk>/verify/", views.NoticeVerifyView.as_view(), name="notice-verify"),
    path("notices/<int:pk>/reject/", views.NoticeRejectView.as_view(), name="notice-reject"),
    path("notices/<int:pk>/reissue/", views.NoticeReissueView.as_view(), name="notice-reissue"),
    path("notices/<int:pk>/sanction/", views.NoticeSanctionView.as_view(), name="notice-sanction"),
    path("notices/<int:pk>/pdf/", views.NoticeDocumentView.as_view(), name="notice-pdf"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
    path(
        "tip-offs/<int:pk>/visit/",
        views.VisitFromComplaintView.as_view(),
        name="complaint-visit",
    ),
    path(
        "tip-offs/<int:pk>/conclude/",
        views.ConcludeCitingVisitView.as_view(),
        name="complaint-conclude-citing",
    ),
    path("draws/<int:pk>/", views.DrawDetailView.as_view(), name="draw-detail"),
    path("shares/<int:pk>/draw/", views.DrawMakeView.as_view(), name="draw-make"),
]
