"""The API's JSON parser: over-deep documents and control characters are a 400, never a 500."""

import io

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from bureaus.security import has_control_characters

MAX_DEPTH = 32


def _too_deep(raw: bytes, limit: int) -> bool:
    """Nesting depth of a JSON text, counted over brackets outside strings, before parsing
    (Python's parser recurses and a document of 1,000 `[` raised RecursionError)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class SafeJSONParser(JSONParser):
    """JSON with a depth limit, and no control characters in any key or string."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if _too_deep(raw, MAX_DEPTH):
            raise ParseError(_("The JSON document is nested too deeply."))
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        if any(has_control_characters(s) for s in _strings(data)):
            raise ParseError(_("The request contains characters that are not allowed."))
        return data
