"""The district's review of a course's teaching materials (教材): approved or rejected."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureaus.permissions import membership_may
from courses.models import Material


@transaction.atomic
def material_review(*, actor, material: Material, approval: str) -> Material:
    """Record the district's decision on a material (an officer of the course's district)."""
    membership = getattr(actor, "membership", None)
    if (
        membership is None
        or membership.bureau_id != material.bureau_id
        or not membership_may(membership, "course.decide")
    ):
        raise PermissionDenied
    if approval not in Material.Approval.values:
        raise ValidationError({"approval": [_("Choose a decision from the list.")]})
    locked = Material.objects.select_for_update().get(pk=material.pk)
    locked.approval = approval
    locked.save(update_fields=["approval"])
    material.approval = approval
    return locked
