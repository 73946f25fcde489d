from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class BureausConfig(AppConfig):
    name = "bureaus"
    verbose_name = _("Bureaus")
    default_auto_field = "django.db.models.BigAutoField"
    menu_entries = (
        MenuEntry("system", _("Streets"), "bureaus:street-list", action="street.view", order=10),
        MenuEntry(
            "system",
            _("Partner departments"),
            "bureaus:department-list",
            action="department.view",
            order=20,
        ),
        MenuEntry("system", _("Accounts"), "bureaus:user-list", action="user.view", order=30),
        MenuEntry(
            "system", _("Staff"), "bureaus:membership-list", action="membership.view", order=40
        ),
        MenuEntry(
            "system",
            _("Audit trail"),
            "bureaus:auditevent-list",
            action="auditevent.view",
            order=50,
        ),
        MenuEntry("system", _("API"), "api-docs", order=90),
    )

    def ready(self):
        from celery.signals import task_postrun, task_prerun
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from bureaus import rls, rls_policies

        # Row-level security: the scope on every new connection, an empty one around every
        # Celery task, and the policies re-made after every migrate (bureaus.rls).
        connection_created.connect(rls.connection_created, dispatch_uid="jianguan_rls_conn")
        task_prerun.connect(rls.task_started, dispatch_uid="jianguan_rls_task_started")
        task_postrun.connect(rls.task_finished, dispatch_uid="jianguan_rls_task_finished")
        post_migrate.connect(rls_policies.post_migrate, dispatch_uid="jianguan_rls_policies")
        # The memberships kept between requests are dropped on every change (bureaus.acting).
        from django.db.models.signals import post_delete, post_save

        from bureaus import (
            acting,
            signin,  # noqa: F401 - connects the sign-in audit receivers
        )
        from bureaus.models import Bureau, Membership, User

        for model, receiver in (
            (Membership, acting.membership_changed),
            (User, acting.user_changed),
            (Bureau, acting.bureau_changed),
        ):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"acting_{model.__name__}")
