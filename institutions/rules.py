"""The rules of the registry, each written once with its one message, and called alike by the
services (which refuse a write that breaks one), the survey import (which refuses the row) and
the warnings (which flag a record already on file that breaks one: surveys, licences that
lapsed; issue 3 item 4). Nothing here touches the database.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.workflow import Transition, Workflow
from institutions import credit_code as cc

ACADEMIC = "academic"
FOR_PROFIT = "for_profit"
SCHOOL_LICENCE = "school_licence"
BUSINESS_PAPERS = frozenset({"business_licence", "pne_certificate"})
OPERATING = ("normal", "suspended")

# Issue 3 item 5: 筹设 → 正常 ↔ 停办整改, and → 取缔 / 注销 / 歇业; the last three are final.
# One transition per target status, taken by those who may change the registry.
LIFECYCLE = Workflow(
    transitions=[
        Transition(
            "operate",
            sources={"preparing", "suspended"},
            target="normal",
            action="institution.change",
            label=pgettext_lazy("institution lifecycle", "put into operation"),
        ),
        Transition(
            "suspend",
            sources={"normal"},
            target="suspended",
            action="institution.change",
            label=pgettext_lazy("institution lifecycle", "suspended"),
        ),
        Transition(
            "ban",
            sources={"preparing", "normal", "suspended"},
            target="banned",
            action="institution.change",
            label=pgettext_lazy("institution lifecycle", "banned"),
        ),
        Transition(
            "deregister",
            sources={"normal", "suspended"},
            target="deregistered",
            action="institution.change",
            label=pgettext_lazy("institution lifecycle", "deregistered"),
        ),
        Transition(
            "close",
            sources={"preparing", "normal", "suspended"},
            target="closed",
            action="institution.change",
            label=pgettext_lazy("institution lifecycle", "closed"),
        ),
    ],
    field="status",
    refusal=_("An institution cannot go from “%(from)s” to “%(to)s”."),
)
STATUSES = ("preparing", "normal", "suspended", "banned", "deregistered", "closed")
TRANSITION_TO = {t.target: name for name, t in LIFECYCLE.transitions.items()}
TRANSITIONS: dict[str, frozenset] = {
    status: frozenset(t.target for t in LIFECYCLE.transitions.values() if status in t.sources)
    for status in STATUSES
}

# A mobile number, or a landline with its area code (and an extension).


@dataclass(frozen=True)
class Rule:
    """One rule: what a refused write is told (on `field`), what a record breaking it on file
    is flagged with (`warning`, under `code`)."""

    code: str
    field: str
    refusal: Promise
    warning: Promise | None = None


# seed 003 §13: academic institutions are non-profit (existing ones are re-registered).
ACADEMIC_NON_PROFIT = Rule(
    "academic_for_profit",
    "profit",
    _("An academic institution must be registered as non-profit."),
    _("Academic institution registered as for-profit"),
)
# seed 000 §八: no training without a school-running licence …
SCHOOL_LICENCE_TO_OPERATE = Rule(
    "no_school_licence",
    "to_status",
    _("A valid school-running licence is required to operate."),
    _("Operating without a valid school-running licence"),
)
# … and a business licence (or a private non-enterprise registration certificate).
BUSINESS_LICENCE_TO_OPERATE = Rule(
    "no_business_licence",
    "to_status",
    _(
        "A valid business licence or private non-enterprise registration certificate is "
        "required to operate."
    ),
    _("Operating without a business licence or registration certificate"),
)
# seed 003 §12: 不再审批新的面向学龄前儿童的校外培训机构.
NO_NEW_PRESCHOOL = Rule(
    "new_preschool",
    "category",
    _("No new training institution for pre-school children may be approved."),
)
# seed 003 §12: 不再审批新的面向义务教育阶段学生的学科类校外培训机构 …和面向普通高中学生的.
NO_NEW_ACADEMIC_COMPULSORY = Rule(
    "new_academic_compulsory",
    "category",
    _("No new academic institution for compulsory-education pupils may be approved."),
)
NO_NEW_ACADEMIC_HIGHSCHOOL = Rule(
    "new_academic_highschool",
    "category",
    _("No new academic institution for high-school students may be approved."),
)
# seed 000 §四, 003 §22: 不得聘任在职中小学教师.
NO_IN_SERVICE_TEACHER = Rule(
    "in_service_teacher",
    "is_in_service_teacher",
    _(
        "An in-service primary or secondary school teacher may not be employed by a "
        "training institution."
    ),
    _("Employs an in-service primary or secondary school teacher"),
)
# seed 000 §四, 003 §17: 从事学科类培训的人员必须具备相应教师资格.
QUALIFIED_ACADEMIC_TEACHER = Rule(
    "unqualified_teacher",
    "qualification_number",
    _("Academic teaching staff must hold a teacher qualification certificate."),
    _("Academic teaching staff without a teacher qualification"),
)
CREDIT_CODE_TAKEN = _(
    "An institution with this credit code is already registered (in this district or "
    "another); it cannot be registered again."
)

# Warnings that are not a refused write: they come with time or predate approval.
OTHER_WARNINGS = {
    "licence_expiring": _("A licence expires within 60 days"),
    # seed 003 §12: no multi-site operation without approval.
    "unapproved_site": _("Teaching site not approved in the licence"),
    # seed 000 §三(一): training sites must be fire-safe.
    "site_without_fire": _("Teaching site without fire-safety acceptance on file"),
}

# code → message shown to staff
WARNINGS = {
    rule.code: rule.warning
    for rule in (
        ACADEMIC_NON_PROFIT,
        SCHOOL_LICENCE_TO_OPERATE,
        BUSINESS_LICENCE_TO_OPERATE,
        QUALIFIED_ACADEMIC_TEACHER,
        NO_IN_SERVICE_TEACHER,
    )
} | OTHER_WARNINGS


# --- the rules, as checks ------------------------------------------------------------------


def kind_of(record) -> dict:
    """The category and audience of an institution or of a mapping of its field values."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    return {
        "category": get("category"),
        "preschool": get("audience_preschool"),
        "compulsory": get("audience_compulsory"),
        "highschool": get("audience_highschool"),
    }


def new_institution_rule(*, category, preschool, compulsory, highschool) -> Rule | None:
    """The rule that forbids approving a new institution of this kind (seed 003 §12), or None."""
    if preschool:
        return NO_NEW_PRESCHOOL
    if category == ACADEMIC and compulsory:
        return NO_NEW_ACADEMIC_COMPULSORY
    if category == ACADEMIC and highschool:
        return NO_NEW_ACADEMIC_HIGHSCHOOL
    return None


def is_academic_for_profit(record) -> bool:
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    return get("category") == ACADEMIC and get("profit") == FOR_PROFIT


def institution_refusals(*, before, after) -> dict[str, list]:
    """Why a new institution (`before` None) or a change (`before` → `after`: instances or
    field-value mappings) may not be written, as field errors. An existing record keeps what it
    had (and shows a warning); only turning into a restricted kind counts as a new approval."""
    errors: dict[str, list] = {}
    now = kind_of(after)
    if before is None:
        rule = new_institution_rule(**now)
    else:
        was = kind_of(before)
        rule = None if now == was or new_institution_rule(**was) else new_institution_rule(**now)
    if rule:
        errors.setdefault(rule.field, []).append(rule.refusal)
    get = before.get if isinstance(before, dict) else (lambda n: getattr(before, n))
    profit_changed = before is None or (
        get("category") != kind_of(after)["category"]
        or get("profit") != (after["profit"] if isinstance(after, dict) else after.profit)
    )
    if is_academic_for_profit(after) and profit_changed:
        errors.setdefault(ACADEMIC_NON_PROFIT.field, []).append(ACADEMIC_NON_PROFIT.refusal)
    return errors


def operating_rules_broken(valid_kinds) -> list[Rule]:
    """The licences-to-operate rules that credentials of these (valid) kinds break."""
    broken = []
    if SCHOOL_LICENCE not in valid_kinds:
        broken.append(SCHOOL_LICENCE_TO_OPERATE)
    if not set(valid_kinds) & BUSINESS_PAPERS:
        broken.append(BUSINESS_LICENCE_TO_OPERATE)
    return broken


def transition_refusal(*, from_status, to_status, valid_kinds) -> str | None:
    """Why an institution may not go from one status to another, or None (issue 3 item 5;
    seed 000 §八 for operating)."""
    from institutions.models import Institution

    S = Institution.Status
    if to_status not in TRANSITIONS.get(from_status, ()):
        return _("An institution cannot go from “%(from)s” to “%(to)s”.") % {
            "from": S(from_status).label,
            "to": S(to_status).label,
        }
    if to_status == S.NORMAL:
        broken = operating_rules_broken(valid_kinds)
        if broken:
            return broken[0].refusal
    return None


def _path(from_status: str, to_status: str) -> list[str]:
    """The shortest run of transitions from one status to another (statuses after the first)."""
    paths = {from_status: []}
    queue = [from_status]
    while queue:
        status = queue.pop(0)
        if status == to_status:
            return paths[status]
        for following in sorted(TRANSITIONS[status]):
            if following not in paths:
                paths[following] = [*paths[status], following]
                queue.append(following)
    return [to_status]


def new_record_status_refusal(*, status: str, valid_kinds) -> str | None:
    """Why a record found by a survey may not go on file directly in this status: it is taken
    from 筹设 the way the services would take it, so 停办整改 and 注销 pass through 正常 and
    need the licences to operate, as 正常 does."""
    current = "preparing"
    for following in _path(current, status):
        refusal = transition_refusal(
            from_status=current, to_status=following, valid_kinds=valid_kinds
        )
        if refusal:
            return refusal
        current = following
    return None


def staff_refusal(*, category, is_teaching, qualification_number, is_in_service_teacher):
    """Why this person may not work at an institution of this category, as field errors."""
    if is_in_service_teacher:
        return {NO_IN_SERVICE_TEACHER.field: [NO_IN_SERVICE_TEACHER.refusal]}
    if category == ACADEMIC and is_teaching and not (qualification_number or "").strip():
        return {QUALIFIED_ACADEMIC_TEACHER.field: [QUALIFIED_ACADEMIC_TEACHER.refusal]}
    return None


def credit_code_error(code: str) -> str | None:
    """The Chinese message for a malformed credit code, or None (GB 32100-2015)."""
    problem = cc.problem(code)
    messages = {
        "length": _("A unified social credit code has 18 characters."),
        "characters": _(
            "A unified social credit code uses only digits and capital letters "
            "(not I, O, Z, S or V)."
        ),
        "check": _("The check digit of this credit code is wrong; please check the code."),
        "authority": _(
            "The first two characters of this credit code (registration authority and "
            "institution type) do not exist; please check the code."
        ),
        "division": _(
            "The administrative division code in this credit code (characters 3–8) does not "
            "exist; please check the code."
        ),
        "organization_check": _(
            "The check character of the organization code in this credit code (character 17) "
            "is wrong; please check the code."
        ),
    }
    return None if problem is None else messages[problem]


# --- the rules, as warnings on a record on file ----------------------------------------------


def warning_codes(*, institution, credentials, staff, sites, today: dt.date) -> list[str]:
    """The rule warnings of one institution from what is on file (no queries here)."""
    codes = []
    if is_academic_for_profit(institution):
        codes.append(ACADEMIC_NON_PROFIT.code)
    if institution.status in OPERATING:
        valid = {c.kind for c in credentials if c.is_valid_on(today)}
        codes += [rule.code for rule in operating_rules_broken(valid)]
    if any(c.expiry_on(today) == "expiring" for c in credentials):
        codes.append("licence_expiring")
    if any(
        staff_refusal(
            category=institution.category,
            is_teaching=s.is_teaching,
            qualification_number=s.qualification_number,
            is_in_service_teacher=False,
        )
        for s in staff
    ):
        codes.append(QUALIFIED_ACADEMIC_TEACHER.code)
    if any(s.is_in_service_teacher for s in staff):
        codes.append(NO_IN_SERVICE_TEACHER.code)
    if any(not s.approved for s in sites):
        codes.append("unapproved_site")
    if any(s.fire_safety == "none" for s in sites):
        codes.append("site_without_fire")
    return codes


def broken_rules(codes) -> list[str]:
    """The warnings that say a rule is broken (a licence expiring soon breaks none yet)."""
    return [code for code in codes if code != "licence_expiring"]


def warning_choices() -> list:
    """(code, label) of every warning: the registry's own, then those other apps registered
    (institutions.extensions)."""
    from institutions import extensions

    return [*WARNINGS.items(), *extensions.registered_labels().items()]


def labels(codes) -> list:
    from institutions import extensions

    known = WARNINGS | extensions.registered_labels()
    return [known.get(code, code) for code in codes]
