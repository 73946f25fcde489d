"""Annual reviews (年检, seed 001 篇5)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import AnnualReview, Institution


@transaction.atomic
def annual_review_record(
    *, actor, institution: Institution, year: int, result: str, reviewed_on=None, notes: str = ""
) -> AnnualReview:
    """Record (or correct) the annual review result of one year."""
    this_year = timezone.localdate().year
    if not 2000 <= int(year) <= this_year:
        raise ValidationError({"year": [_("Enter a year between 2000 and this year.")]})
    review = AnnualReview.objects.filter(institution=institution, year=year).first()
    if review is None:
        review = AnnualReview(institution=institution, year=year)
    review.result = result
    review.reviewed_on = reviewed_on
    review.notes = notes
    review.full_clean(exclude=["bureau", "institution"])
    review.save()
    return review
