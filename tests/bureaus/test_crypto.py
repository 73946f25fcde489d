"""Personal data helpers: encryption round trip, blind index, masking."""

import pytest

from bureaus.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_name, mask_phone


def test_encrypt_round_trip_and_ciphertext_hides_the_value():
    token = encrypt("13812345678")
    assert "13812345678" not in token
    assert encrypt("13812345678") != token  # random IV: equal values do not look equal
    assert decrypt(token) == "13812345678"


def test_tampered_ciphertext_is_refused():
    token = encrypt("张三")
    with pytest.raises(ValueError, match="cannot decrypt"):
        decrypt(token[:-4] + "AAAA")


def test_blind_index_matches_normalized_values_only():
    assert blind_index("330106 1990 0101 123x") == blind_index("3301061990010112 3X")
    assert blind_index("13812345678") != blind_index("13812345679")
    assert "13812345678" not in blind_index("13812345678")


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("330106199001011234") == "3301**********1234"
    assert mask_name("张三丰") == "张**"
    assert mask_name("") == ""
