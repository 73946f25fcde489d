from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureausConfig(AppConfig):
    name = "bureaus"
    verbose_name = _("Bureaus")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import task_postrun, task_prerun
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from bureaus import rls

        # Row-level security: the scope on every new connection, an empty one around every
        # Celery task, and the policies re-made after every migrate (bureaus.rls).
        connection_created.connect(rls.connection_created, dispatch_uid="jianguan_rls_conn")
        task_prerun.connect(rls.task_started, dispatch_uid="jianguan_rls_task_started")
        task_postrun.connect(rls.task_finished, dispatch_uid="jianguan_rls_task_finished")
        post_migrate.connect(rls.post_migrate, dispatch_uid="jianguan_rls_policies")
        from bureaus import signin  # noqa: F401 - connects the sign-in audit receivers
