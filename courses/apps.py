from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bureaus.menus import MenuEntry


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and timetables")
    menu_entries = (
        MenuEntry("institutions", _("Courses"), "courses:course-list", action="course.view"),
        MenuEntry(
            "system",
            _("Rules, vacations and guidance prices"),
            "courses:reference",
            action="coursereference.change",
        ),
    )

    def ready(self):
        from courses import warnings

        warnings.register()
