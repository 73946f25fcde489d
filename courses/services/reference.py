"""The reference data the rules read, kept by superiors: a city's (or province's) school
vacations and a city's guidance prices, and a province's rule settings with their history.
Each write is allowed only to a supervisor acting for the bureau that owns the row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureaus.models import Bureau
from bureaus.permissions import membership_may
from courses import rules
from courses.models import GuidancePrice, RuleSetting, RuleSettingChange, SchoolVacation


def _acting_for(actor, *levels) -> Bureau:
    """The bureau the actor keeps reference data for; PermissionDenied otherwise."""
    membership = getattr(actor, "membership", None)
    if (
        membership is None
        or membership.bureau.level not in levels
        or not membership_may(membership, "coursereference.change")
    ):
        raise PermissionDenied
    return membership.bureau


@transaction.atomic
def vacation_set(*, actor, year: int, kind: str, first_day, last_day) -> SchoolVacation:
    """Enter a winter or summer vacation for the actor's city (or, for a province, the default
    of its cities)."""
    bureau = _acting_for(actor, Bureau.Level.CITY, Bureau.Level.PROVINCE)
    if last_day < first_day:
        raise ValidationError({"last_day": [_("The last day is before the first day.")]})
    vacation, _created = SchoolVacation.objects.update_or_create(
        bureau=bureau,
        year=year,
        kind=kind,
        defaults={"first_day": first_day, "last_day": last_day},
    )
    return vacation


@transaction.atomic
def guidance_price_set(*, actor, subject: str, grade: int, max_fen_per_hour: int) -> GuidancePrice:
    """Set the city's guidance price per class hour for a subject and grade."""
    bureau = _acting_for(actor, Bureau.Level.CITY)
    if max_fen_per_hour < 0:
        raise ValidationError({"max_fen_per_hour": [_("A price cannot be negative.")]})
    price, _created = GuidancePrice.objects.update_or_create(
        bureau=bureau, subject=subject, grade=grade, defaults={"max_fen_per_hour": max_fen_per_hour}
    )
    return price


@transaction.atomic
def rule_setting_set(
    *, actor, rule: str, enabled: bool, limit: int | None, reason: str
) -> RuleSetting:
    """Switch a rule off (or on) or tighten its limit for the actor's province; every change is
    kept with who, when and why. A limit may only be stricter than the national one."""
    bureau = _acting_for(actor, Bureau.Level.PROVINCE)
    definition = rules.RULES.get(rule)
    if definition is None:
        raise ValidationError({"rule": [_("Unknown rule.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the change.")]})
    if limit is not None:
        if definition.national_limit is None:
            raise ValidationError({"limit": [_("This rule has no limit to tighten.")]})
        if not 0 < limit <= definition.national_limit:
            raise ValidationError(
                {"limit": [_("A province may tighten a limit, never loosen it.")]}
            )
    setting, _created = RuleSetting.objects.select_for_update().get_or_create(
        bureau=bureau, rule=rule
    )
    setting.enabled = enabled
    setting.limit = limit
    setting.save(update_fields=["enabled", "limit"])
    RuleSettingChange.objects.create(
        setting=setting, actor=actor, enabled=enabled, limit=limit, reason=reason
    )
    return setting
