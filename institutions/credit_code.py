"""The unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-symbol alphabet (digits and capital letters without I, O, Z, S,
V): registration authority and institution type (two characters, from the standard's table),
six-digit administrative division code, nine-character organization code (GB 11714-1997, with
its own check character), and a check character computed over the first seventeen.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# GB 32100-2015 §5: weight of position i is 3^(i-1) mod 31.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 32100-2015 表1: registration authority → the institution types it registers.
AUTHORITY_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国、港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}
# GB/T 2260: provinces 11–65, Taiwan 71, Hong Kong 81, Macao 82 (a code's first two digits).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50}
    | {51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
# GB 11714-1997: weights of the eight body characters of an organization code.
ORGANIZATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize(value: str) -> str:
    """Upper case, surrounding and inner spaces removed (as people type it)."""
    return "".join((value or "").split()).upper()


def check_character(first17: str) -> str:
    """The check character for the first seventeen characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organization_check_character(body8: str) -> str:
    """GB 11714-1997: the ninth character of an organization code, from its first eight
    (digits count as themselves, letters A–Z as 10–35)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORGANIZATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def division_exists(division: str) -> bool:
    """A six-digit administrative division code that can exist: all digits, not 000000, under
    a province (the full GB/T 2260 table changes every year and is not shipped)."""
    return division.isdigit() and division != "000000" and int(division[:2]) in PROVINCES


def problem(value: str) -> str | None:
    """Why a code is not a valid credit code, as a short English key; None if it is valid."""
    code = normalize(value)
    if len(code) != 18:
        return "length"
    if any(c not in _VALUE for c in code):
        return "characters"
    if check_character(code[:17]) != code[17]:
        return "check"
    if code[1] not in AUTHORITY_TYPES.get(code[0], ""):
        return "authority"
    if not division_exists(code[2:8]):
        return "division"
    if organization_check_character(code[8:16]) != code[16]:
        return "organization_check"
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None


def make_code(*, division: str, organization_body: str, authority_type: str = "91") -> str:
    """A valid code from its parts (both check characters computed): for demo data, tests and
    benchmarks."""
    first16 = f"{authority_type}{division}{organization_body}"
    first17 = first16 + organization_check_character(organization_body)
    return first17 + check_character(first17)
