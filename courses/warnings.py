"""The courses' contribution to the registry: each rule id is a warning code of the source
"courses", set on an institution while one of its accepted courses breaks it, and a panel of
accepted courses and prices on the institution's pages."""

from institutions import extensions

SOURCE = "courses"


def register() -> None:
    """Called from CoursesConfig.ready()."""
    from courses import panels
    from courses.rules import rule_labels

    extensions.register_warnings(SOURCE, rule_labels())
    panels.register()
