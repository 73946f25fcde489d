from django.urls import path

from complaints.views import inbox, orders, pickers, record, steps

app_name = "complaints"

urlpatterns = [
    path("", inbox.ComplaintListView.as_view(), name="complaint-list"),
    path("export.csv", inbox.ComplaintExportView.as_view(), name="complaint-export"),
    path("new/", inbox.ComplaintCreateView.as_view(), name="complaint-create"),
    path("handlers/", pickers.HandlerAutocompleteView.as_view(), name="handler-autocomplete"),
    path("<int:pk>/", record.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("<int:pk>/accept/", steps.ComplaintAcceptView.as_view(), name="complaint-accept"),
    path("<int:pk>/reject/", steps.ComplaintRejectView.as_view(), name="complaint-reject"),
    path("<int:pk>/merge/", steps.ComplaintMergeView.as_view(), name="complaint-merge"),
    path("<int:pk>/assign/", steps.ComplaintAssignView.as_view(), name="complaint-assign"),
    path("<int:pk>/note/", steps.ComplaintNoteView.as_view(), name="complaint-note"),
    path("<int:pk>/link/", steps.ComplaintLinkView.as_view(), name="complaint-link"),
    path("<int:pk>/conclude/", steps.ComplaintConcludeView.as_view(), name="complaint-conclude"),
    path("<int:pk>/close/", steps.ComplaintCloseView.as_view(), name="complaint-close"),
    path("<int:pk>/reward/", steps.ComplaintRewardView.as_view(), name="complaint-reward"),
    path("<int:pk>/refund/", steps.ComplaintRefundView.as_view(), name="complaint-refund"),
    path("<int:pk>/reveal/", steps.ComplaintRevealView.as_view(), name="complaint-reveal"),
    path(
        "attachments/<int:pk>/",
        record.ComplaintAttachmentView.as_view(),
        name="complaintattachment-detail",
    ),
    path("supervision/", orders.SupervisionOrderListView.as_view(), name="supervisionorder-list"),
    path(
        "supervision/<int:pk>/",
        orders.SupervisionOrderDetailView.as_view(),
        name="supervisionorder-detail",
    ),
    path(
        "supervision/<int:pk>/answer/",
        orders.SupervisionOrderAnswerView.as_view(),
        name="supervisionorder-answer",
    ),
    path("policy/", inbox.ComplaintPolicyView.as_view(), name="policy"),
    path("refunds/", inbox.RefundDisputeListView.as_view(), name="refunddispute-list"),
]
