"""GB 32100-2015 check character."""

import pytest

from institutions.credit_code import (
    check_character,
    is_valid,
    normalize,
    organization_check_character,
    problem,
)
from tests.institutions.conftest import valid_code, wrong_code


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # published example
        "91110000802100433B",  # published (a Beijing company's business licence)
        " 91350100m000100y43 ",  # typed in lower case with spaces
    ],
)
def test_published_codes_are_valid(code):
    assert is_valid(code)


def test_our_generated_codes_are_valid_and_one_wrong_digit_is_not():
    for n in range(50):
        assert is_valid(valid_code(n))
        assert problem(wrong_code(n)) == "check"


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100I43", "characters"),  # I is not in the alphabet
        ("91350100M000100Y44", "check"),
        ("", "length"),
    ],
)
def test_malformed_codes(code, why):
    assert problem(code) == why


def test_check_character_of_known_code():
    assert check_character("91350100M000100Y4") == "3"
    assert normalize(" 9135 0100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("first16", "why"),
    [
        ("01330106MA200001", "authority"),  # authority 0 does not exist
        ("94330106MA200001", "authority"),  # 工商 registers types 1–3 only
        ("91000000MA200001", "division"),  # division 000000
        ("91990106MA200001", "division"),  # no province 99
        ("9133010680210043", "organization_check"),  # GB 11714 check of 80210043 is 3
    ],
)
def test_codes_with_parts_that_do_not_exist_are_refused(first16, why):
    organization = first16[8:16]
    wrong = why == "organization_check"
    first17 = first16 + ("0" if wrong else organization_check_character(organization))
    assert problem(first17 + check_character(first17)) == why


def test_organization_code_check_character_gb_11714():
    assert organization_check_character("80210043") == "3"  # 91110000802100433B
    assert organization_check_character("M000100Y") == "4"  # 91350100M000100Y43
    assert is_valid(valid_code(1)) and is_valid(valid_code(9999))
