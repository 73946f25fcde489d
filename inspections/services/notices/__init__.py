"""Rectification notices (整改通知书): issued from violation findings with a deadline in working
days, then chased through evidence, verification, rejection and re-issue, or overdue and
escalation. Every step goes through the workflow (row locked, state re-checked).

The official PDF (整改通知书, sealed and signed) is issued through `documents/`
(`notice_document`), one per deadline: a re-issue gets its own document. An outcome that
changes the institution (停办整改 / 取缔) goes through the registry's lifecycle service
(`notice_sanction`), with the students placed and the fees refunded recorded as numbers.

One module per part: `workflow` (issue and every step) and `chase` (the district's policy and
the periodic job); everything is re-exported here, so `notices.notice_issue` reads as before.
"""

from inspections.services.notices.chase import (
    city_escalation_days,
    notices_chase,
    policy_set,
)
from inspections.services.notices.workflow import (
    CHANGE,
    MAX_REFUND_FEN,
    MAX_STUDENTS,
    MAX_WORKING_DAYS,
    NOTICE,
    NUMBER_KIND,
    REMIND_WORKING_DAYS,
    N,
    link,
    notice_allowed_steps,
    notice_document_allowed,
    notice_issue,
    notice_reissue,
    notice_reject,
    notice_sanction,
    notice_submit_evidence,
    notice_submit_evidence_from_institution,
    notice_verify,
    number_prefix,
)

__all__ = [
    "CHANGE",
    "MAX_REFUND_FEN",
    "MAX_STUDENTS",
    "MAX_WORKING_DAYS",
    "NOTICE",
    "NUMBER_KIND",
    "REMIND_WORKING_DAYS",
    "N",
    "city_escalation_days",
    "link",
    "notice_allowed_steps",
    "notice_document_allowed",
    "notice_issue",
    "notice_reissue",
    "notice_reject",
    "notice_sanction",
    "notice_submit_evidence",
    "notice_submit_evidence_from_institution",
    "notice_verify",
    "notices_chase",
    "number_prefix",
    "policy_set",
]
