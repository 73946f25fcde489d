"""A small reader of gettext .po files (the subset makemessages writes) for the translation tests.

Each entry is (context, msgid) → Entry; plural entries keep every msgstr[n]. Obsolete entries
(`#~`) are skipped; fuzzy ones are kept with `fuzzy=True` (gettext does not use them, so the tests
count them as untranslated).
"""

import ast
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", ".git", "static", "var", "fixtures"}


@dataclass
class Entry:
    msgid: str
    context: str | None = None
    plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    references: list[str] = field(default_factory=list)
    nplurals: int = 2

    @property
    def key(self):
        return (self.context, self.msgid)

    @property
    def translated(self):
        forms = self.msgstr[: self.nplurals] if self.plural is not None else self.msgstr[:1]
        return not self.fuzzy and bool(forms) and all(forms)


def _unquote(text):
    return json.loads(text) if text.startswith('"') else ""


def read_po(path) -> dict:
    """The entries of one .po file keyed by (context, msgid); the header entry is left out."""
    entries = {}
    current = None
    target = None  # which field continuation lines ("...") append to
    flags, refs = [], []

    def finish():
        nonlocal current
        if current is not None and current.msgid:
            current.nplurals = nplurals
            entries[current.key] = current
        current = None

    text = Path(path).read_text(encoding="utf-8")
    found = re.search(r"nplurals=(\d+)", text)
    nplurals = int(found.group(1)) if found else 2
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            flags += [f.strip() for f in line[2:].split(",")]
            continue
        if line.startswith("#:"):
            finish()
            refs += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if target == "msgid":
                current.msgid += value
            elif target == "msgid_plural":
                current.plural += value
            elif target == "msgctxt":
                current.context += value
            elif target is not None:
                current.msgstr[target] += value
            continue
        starts_entry = keyword == "msgctxt" or (
            keyword == "msgid" and (current is None or current.msgstr)
        )
        if starts_entry:
            finish()
            current = Entry(msgid="", fuzzy="fuzzy" in flags, references=refs)
            flags, refs = [], []
        if keyword == "msgctxt":
            current.context = _unquote(rest)
            target = "msgctxt"
        elif keyword == "msgid":
            current.msgid = _unquote(rest)
            target = "msgid"
        elif keyword == "msgid_plural":
            current.plural = _unquote(rest)
            target = "msgid_plural"
        elif keyword.startswith("msgstr"):
            current.msgstr.append(_unquote(rest))
            target = len(current.msgstr) - 1
    finish()
    return entries


def catalogues(root=ROOT, language="zh_Hans") -> list[Path]:
    """Every django.po of the language in the tree: locale/ and each <app>/locale/."""
    found = []
    for path in sorted(Path(root).rglob(f"locale/{language}/LC_MESSAGES/django.po")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            found.append(path)
    return found


def conflicts(paths) -> dict:
    """(context, msgid) → {msgstr: [catalogue, …]} for every key translated differently."""
    seen: dict = {}
    for path in paths:
        for key, entry in read_po(path).items():
            if not entry.translated:
                continue
            seen.setdefault(key, {}).setdefault(tuple(entry.msgstr), []).append(str(path))
    return {key: variants for key, variants in seen.items() if len(variants) > 1}


# Marked strings in the source, the way makemessages finds them (without xgettext).
PY_FUNCS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(({_LITERAL})(?:, ({_LITERAL}))?(?:, ({_LITERAL}))?")


def _python_strings(path):
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in PY_FUNCS:
            continue
        ctx_at, msg_at = PY_FUNCS[name]
        args = node.args
        if len(args) <= msg_at or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[: msg_at + 1]
        ):
            continue
        context = args[ctx_at].value if ctx_at is not None else None
        yield context, args[msg_at].value, f"{path}:{node.lineno}"


def _template_strings(path):
    from django.utils.translation.template import templatize

    text = templatize(Path(path).read_text(encoding="utf-8"), origin=str(path))
    for match in _TEMPLATE_CALL.finditer(text):
        func, first, second = match.group(1), match.group(2), match.group(3)
        literal = ast.literal_eval
        if func.startswith("np") or func == "pgettext":
            yield literal(first), literal(second), str(path)
        else:
            yield None, literal(first), str(path)


def marked_strings(root=ROOT):
    """(context, msgid, where) for every string marked for translation in our code and templates."""
    root = Path(root)
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        top = here == root
        # Pruned, not filtered: node_modules and .venv are large.
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS and d != "migrations" and not (top and d == "tests")
        )
        rel = here.relative_to(root).parts
        for name in sorted(files):
            path = here / name
            if path.suffix == ".py":
                yield from _python_strings(path)
            elif path.suffix in (".html", ".txt") and "templates" in rel:
                yield from _template_strings(path)
