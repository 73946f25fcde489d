"""The one table that says which roles may take which action.

Actions are "<object>.<verb>". Views and viewsets name their object; the base classes map
list/retrieve to "view" and create/update/destroy to "change"; custom actions name their own
verb. A role absent from an action's set is refused (403) whatever the record.
"""

from rest_framework.permissions import BasePermission

from bureaus.models import Membership

R = Membership.Role
ALL_ROLES = frozenset(R)
DISTRICT_READERS = frozenset({R.ADMIN, R.OFFICER, R.INSPECTOR})
READERS = DISTRICT_READERS | {R.SUPERVISOR}
# Who keeps a district's records: its administrator and its officers.
KEEPERS = frozenset({R.ADMIN, R.OFFICER})

# 三权分立 (等保2.0 level 3), see docs/security.md:
# - system administrator (admin): accounts, streets, departments, settings; never grants roles,
#   never reads the audit trail;
# - security administrator (security): roles and memberships, lockouts, sessions; no business
#   data (it is in none of the readers' sets below);
# - audit administrator (auditor): reads the audit trail and who holds which role, nothing
#   else (no business record: the trail shows each change's before and after in words);
#   never writes.
ACTIONS: dict[str, frozenset] = {
    # bureaus/
    "bureau.view": ALL_ROLES,
    "street.view": READERS,
    "street.change": frozenset({R.ADMIN}),
    "department.view": READERS,
    "department.change": frozenset({R.ADMIN}),
    "user.view": frozenset({R.ADMIN, R.SECURITY}),
    "user.change": frozenset({R.ADMIN}),
    # Ending a user's sessions and lifting a lockout.
    "user.secure": frozenset({R.SECURITY}),
    "membership.view": frozenset({R.ADMIN, R.SECURITY, R.AUDITOR}),
    "membership.change": frozenset({R.SECURITY}),
    # 三权分立: the audit trail is read by auditors, not by those whose work it records.
    "auditevent.view": frozenset({R.AUDITOR}),
    # Whether background jobs run (a stuck queue shows on the administrator's home).
    "platformhealth.view": frozenset({R.ADMIN}),
    # institutions/
    "institution.view": READERS,
    "institution.change": KEEPERS,
    # complaints/
    # Superiors read tip-offs of their subtree (never the reporter); writes stay in the district.
    "complaint.view": READERS,
    "complaint.change": KEEPERS,
    "complaint.assign": KEEPERS,
    # Who may be given a tip-off to handle, and who may take the handler's steps on any
    # tip-off of the district (the assigned handler always may).
    "complaint.handle": KEEPERS,
    "complaint.handle_any": frozenset({R.ADMIN}),
    # The service narrows this to the assigned handler and the district administrator.
    "complaint.reveal": KEEPERS,
    "complaint.reward": KEEPERS,
    "complaint.export": KEEPERS | {R.SUPERVISOR},
    "complaintattachment.view": KEEPERS,
    "hotline.view": KEEPERS,
    "hotline.change": KEEPERS,
    "supervisionorder.view": KEEPERS | {R.SUPERVISOR},
    "supervisionorder.issue": frozenset({R.SUPERVISOR}),
    "supervisionorder.answer": KEEPERS,
    "refunddispute.view": KEEPERS | {R.SUPERVISOR},
    "refunddispute.change": KEEPERS,
    # A reward shows wherever its tip-off does (never the reporter); its steps are the district's.
    "reward.view": READERS,
    "reward.change": KEEPERS,
    "complaintpolicy.change": frozenset({R.ADMIN}),
    # funds/: superiors read accounts and figures (numbers and students masked); the district
    # keeps the books.
    "escrowaccount.view": READERS,
    "escrowaccount.change": KEEPERS,
    "ledgerentry.view": READERS,
    "ledgerentry.post": KEEPERS,
    "feerecord.view": READERS,
    "feerecord.change": KEEPERS,
    "lesson.change": KEEPERS,
    "refundrequest.change": KEEPERS,
    "statementimport.view": KEEPERS | {R.SUPERVISOR},
    "statementimport.change": KEEPERS,
    "fundwarning.view": READERS,
    "fundwarning.acknowledge": KEEPERS,
    "fundwarning.resolve": KEEPERS,
    # A warning proposes suspending its institution; confirming takes the registry's lifecycle
    # step (which also needs "institution.change").
    "fundwarning.propose": KEEPERS,
    "fundwarning.suspend": KEEPERS,
    # Default thresholds: a district's administrator sets the district's, a city's (province's)
    # supervisor the city's, which its districts inherit.
    "fundsettings.view": READERS,
    "fundsettings.change": frozenset({R.ADMIN, R.SUPERVISOR}),
    # inspections/: the issuer writes its campaign; each district runs its own share.
    "campaign.view": READERS,
    "campaign.change": KEEPERS | {R.SUPERVISOR},
    "campaignshare.view": READERS,
    "inspection.view": READERS,
    "inspection.change": KEEPERS | {R.INSPECTOR},
    "draw.make": KEEPERS,
    "draw.view": READERS,
    "rectificationnotice.view": READERS,
    "rectificationnotice.change": KEEPERS,
    "rectificationnotice.evidence": KEEPERS | {R.INSPECTOR},
    # courses/: the district decides filings; superiors read them and keep their own
    # reference data (a city's vacations and guidance prices, a province's rule settings).
    "course.view": READERS,
    "course.change": KEEPERS,
    "course.decide": KEEPERS,
    "course.export": KEEPERS | {R.SUPERVISOR},
    "coursereference.change": frozenset({R.SUPERVISOR}),
    "inspectionpolicy.change": frozenset({R.ADMIN}),
    # core/: who is told when the district's work is late and nobody is assigned to it.
    "deadline.escalate": frozenset({R.ADMIN}),
    # The working-day calendar is read by all staff; it is edited by platform operators only
    # (core.views: superusers), not by any bureau role.
    "calendarday.view": READERS,
    # documents/: superiors read their districts' issued documents; the seal is the admin's.
    "document.view": READERS,
    "seal.change": frozenset({R.ADMIN}),
    # portal/: a district's officers invite institutions' contacts to the institution portal.
    "portalinvitation.view": READERS,
    "portalinvitation.change": KEEPERS,
    # reports/ periodic reports: superiors read and download their districts' reports; the
    # district's staff generate one on demand; its administrator words them and sets the days.
    "periodicreport.view": READERS,
    "periodicreport.generate": KEEPERS,
    "reporttemplate.change": frozenset({R.ADMIN}),
    "reportschedule.change": frozenset({R.ADMIN}),
    # reports/: the district dashboard and the superiors' roll-ups (figures of the subtree,
    # inspectors excepted: they see their own visits); whose home page they are (the
    # administrator's home keeps the platform's health).
    "dashboard.view": KEEPERS | {R.SUPERVISOR},
    "dashboard.home": frozenset({R.OFFICER, R.SUPERVISOR}),
}


def role_may(role: str | None, action: str) -> bool:
    """Whether a role may take an action; unknown actions are refused."""
    return role is not None and role in ACTIONS.get(action, frozenset())


def membership_may(membership, action: str) -> bool:
    return membership is not None and role_may(membership.role, action)


def allowed_roles(action: str) -> frozenset:
    return ACTIONS.get(action, frozenset())


READ_ACTIONS = frozenset({"list", "retrieve", "metadata"})
WRITE_ACTIONS = frozenset({"create", "update", "partial_update", "destroy"})


def action_for(view) -> str:
    """The permission action an API request asks for: '<object>.<verb>'.

    The verb is, in order: the request method's entry in `permission_verbs` (an @action's
    kwargs, e.g. {"get": "view", "post": "assign"}), `permission_verb` (the viewset's or an
    @action's), else "view" for list/retrieve, "change" for create/update/destroy, and the
    action's own name for any other action (refused unless ACTIONS lists it)."""
    verb = None
    verbs = getattr(view, "permission_verbs", None)
    request = getattr(view, "request", None)
    if verbs and request is not None:
        verb = verbs.get(request.method.lower())
    if verb is None:
        verb = getattr(view, "permission_verb", None)
    if verb is None:
        drf_action = getattr(view, "action", None)
        if drf_action in READ_ACTIONS or drf_action is None:
            verb = "view"
        elif drf_action in WRITE_ACTIONS:
            verb = "change"
        else:
            verb = drf_action
    return f"{view.permission_object}.{verb}"


class RolePermission(BasePermission):
    """DRF permission backed by ACTIONS."""

    def has_permission(self, request, view):
        membership = getattr(request.user, "membership", None)
        return membership_may(membership, action_for(view))


def refuse_overrides(cls, names, why: str):
    """Raise TypeError for a subclass `cls` that overrides one of `names`: the methods where a
    base class keeps its scoping and role check, so that no subclass can drop them."""
    for name in names:
        if name in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override {name}: {why}")
