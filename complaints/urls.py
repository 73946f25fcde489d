from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="complaint-list"),
    path("export.csv", views.ComplaintExportView.as_view(), name="complaint-export"),
    path("new/", views.ComplaintCreateView.as_view(), name="complaint-create"),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("<int:pk>/accept/", views.ComplaintAcceptView.as_view(), name="complaint-accept"),
    path("<int:pk>/reject/", views.ComplaintRejectView.as_view(), name="complaint-reject"),
    path("<int:pk>/merge/", views.ComplaintMergeView.as_view(), name="complaint-merge"),
    path("<int:pk>/assign/", views.ComplaintAssignView.as_view(), name="complaint-assign"),
    path("<int:pk>/note/", views.ComplaintNoteView.as_view(), name="complaint-note"),
    path("<int:pk>/link/", views.ComplaintLinkView.as_view(), name="complaint-link"),
    path("<int:pk>/conclude/", views.ComplaintConcludeView.as_view(), name="complaint-conclude"),
    path("<int:pk>/close/", views.ComplaintCloseView.as_view(), name="complaint-close"),
    path("<int:pk>/reward/", views.ComplaintRewardView.as_view(), name="complaint-reward"),
    path("<int:pk>/refund/", views.ComplaintRefundView.as_view(), name="complaint-refund"),
    path("<int:pk>/reveal/", views.ComplaintRevealView.as_view(), name="complaint-reveal"),
    path(
        "attachments/<int:pk>/",
        views.ComplaintAttachmentView.as_view(),
        name="complaintattachment-detail",
    ),
    path("supervision/", views.SupervisionOrderListView.as_view(), name="supervisionorder-list"),
    path(
        "supervision/<int:pk>/",
        views.SupervisionOrderDetailView.as_view(),
        name="supervisionorder-detail",
    ),
    path(
        "supervision/<int:pk>/answer/",
        views.SupervisionOrderAnswerView.as_view(),
        name="supervisionorder-answer",
    ),
    path("policy/", views.ComplaintPolicyView.as_view(), name="policy"),
    path("refunds/", views.RefundDisputeListView.as_view(), name="refunddispute-list"),
]
