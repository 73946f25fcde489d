"""Staff pages of the registry, one module per part: `registry` (list, export, detail, create,
edit), `actions` (forms acting on one institution or one of its records), `lists` (white and
black lists) and `imports` (survey imports)."""
