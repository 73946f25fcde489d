"""Random draws (双随机): the draw page and a draw with its replay."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bureaus.pages import ScopedDetailView
from core.views import RecordActionView
from inspections import forms
from inspections.models import (
    CampaignShare,
    Draw,
)
from inspections.services import draws


class DrawDetailView(ScopedDetailView):
    """A draw, with its replay: recomputed from the recorded seed, pool and roster."""

    model = Draw
    permission_object = "draw"

    def scope_queryset(self, queryset):
        return queryset.select_related("share__campaign")

    def get_context_data(self, **kwargs):
        return super().get_context_data(replay=draws.draw_replay(self.object), **kwargs)


class DrawMakeView(RecordActionView):
    """The staff page of a draw for the district's share: by count or ratio, filters, optional
    weighting by risk. A refusal (a draw larger than the pool) is shown on its field in
    Chinese and nothing is written."""

    model = CampaignShare
    permission_object = "draw"
    permission_verb = "make"
    template_name = "inspections/draw_form.html"
    form_class = forms.DrawForm
    title = _("Random draw")

    def scope_queryset(self, queryset):
        return queryset.select_related("campaign", "bureau")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(share=self.object, **kwargs)

    def perform(self, form):
        self.draw = draws.draw_make(
            actor=self.request.user, share=self.object, **form.service_kwargs()
        )

    def get_success_url(self):
        return reverse("inspections:draw-detail", kwargs={"pk": self.draw.pk})
