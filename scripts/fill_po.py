"""Fill empty msgstr entries of a .po file from a JSON mapping {msgid: msgstr}.

Used when adding strings: `python scripts/fill_po.py locale/zh_Hans/LC_MESSAGES/django.po new.json`.
Entries already translated are kept; untranslated ones left over are listed.
"""

import json
import re
import sys

ENTRY = re.compile(r'(msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr )((?:"(?:[^"\\]|\\.)*"\n)+)')


def unquote(block):
    return "".join(json.loads(line) for line in block.strip().splitlines())


def main(po_path, json_path):
    with open(json_path, encoding="utf-8") as f:
        mapping = json.load(f)
    with open(po_path, encoding="utf-8") as f:
        text = f.read()
    missing = []

    def fill(match):
        msgid, current = unquote(match.group(2)), unquote(match.group(3))
        if not msgid or current:
            return match.group(0)
        if msgid in mapping:
            return match.group(1) + json.dumps(mapping[msgid], ensure_ascii=False) + "\n"
        missing.append(msgid)
        return match.group(0)

    text = ENTRY.sub(fill, text).replace("#, fuzzy\n", "", 1)
    with open(po_path, "w", encoding="utf-8") as f:
        f.write(text)
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
