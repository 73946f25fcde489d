"""The courses' contribution to the registry's warnings: each rule id is a warning code of
the source "courses", set on an institution while one of its accepted courses breaks it."""

SOURCE = "courses"


def register() -> None:
    """Called from CoursesConfig.ready(): the registry learns our codes and their labels."""
    from courses.rules import rule_labels

    try:
        from institutions import extensions
    except ImportError:  # main before the extension points landed
        return
    extensions.register_warnings(SOURCE, rule_labels())
    from courses import public_panel

    public_panel.register()
