"""documents/ sits below the domain apps: it imports only core and bureaus (and libraries)."""

import ast
from pathlib import Path

import documents

DOMAIN_APPS = {"institutions", "complaints", "inspections", "funds", "reports"}


def test_documents_imports_no_domain_app():
    root = Path(documents.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in DOMAIN_APPS]
    assert not offenders, offenders


def test_weasyprint_and_pyhanko_are_not_imported_at_start_up():
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import config.urls, documents.views, "
        "documents.services; print(sorted(m for m in ('weasyprint', 'pyhanko', 'segno') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
