"""GB 32100-2015 check character."""

import pytest

from institutions.credit_code import check_character, is_valid, normalize, problem
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
