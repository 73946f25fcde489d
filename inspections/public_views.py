"""Public page, no login: the results of random draws (双随机一公开). What it may show: the
campaign, district, date, seed and algorithm of each draw, and per drawn institution its name,
the departments drawn and the outcome once concluded. Never an inspector's name, a finding's
note or a photo."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from bureaus.pages import public
from inspections import selectors


@public("双随机一公开: draw results are published (no inspector names)")
@require_GET
def draw_results(request):
    return render(
        request,
        "inspections/public/draw_results.html",
        {"draws": selectors.public_draw_results()},
    )
