"""The page face of a workflow: a form that acts on one record of the acting district."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from bureaus.pages import ScopedPageMixin
from core.errors import form_add_errors


class RecordActionView(ScopedPageMixin, SingleObjectMixin, TemplateView):
    """GET shows the step's form, POST takes the step through the service.

    Declare `model`, `permission_object`, `permission_verb`, `form_class`, `title`,
    `template_name`, `success_url_name` and `perform(form)`; optionally `step` and
    `allowed_steps(record, membership)`: the page then says when the step cannot be taken now.
    Only records of the acting district are found (writes=True: another district's is a 404);
    a refusal from the service is shown on the form (400), nothing is saved."""

    permission_verb = "change"
    writes = True
    form_class = None
    title = ""
    step: str = ""
    success_url_name: str = ""

    def make_form(self, data=None, files=None):
        return self.form_class(data, files)

    def allowed_steps(self, record, membership) -> list[str] | None:
        """The steps that may be taken now; None when the view is not a workflow step."""
        return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, self.success_message())
                return redirect(self.success_url_name, pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        steps = self.allowed_steps(self.object, self.membership)
        allowed = steps is None or self.step in steps
        return super().get_context_data(title=self.title, allowed=allowed, **kwargs)

    def perform(self, form):
        raise NotImplementedError

    def success_message(self):
        return _("Saved.")
