"""The unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-symbol alphabet (digits and capital letters without I, O, Z, S,
V): registration authority, organization class, six-digit division code, nine-character
organization code, and a check character computed over the first seventeen.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# GB 32100-2015 §5: weight of position i is 3^(i-1) mod 31.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize(value: str) -> str:
    """Upper case, surrounding and inner spaces removed (as people type it)."""
    return "".join((value or "").split()).upper()


def check_character(first17: str) -> str:
    """The check character for the first seventeen characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(value: str) -> str | None:
    """Why a code is not a valid credit code, as a short English key; None if it is valid."""
    code = normalize(value)
    if len(code) != 18:
        return "length"
    if any(c not in _VALUE for c in code):
        return "characters"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None
