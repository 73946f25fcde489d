"""The API's JSON (core.api.renderers.FastJSONRenderer, orjson) against DRF's JSONRenderer: the
same bytes for what the API returns, the same values for any JSON tree."""

import datetime
import json
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy, override
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.api.renderers import FastJSONRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def both(data, media_type=None):
    return (
        FastJSONRenderer().render(data, media_type, {}),
        JSONRenderer().render(data, media_type, {}),
    )


def test_what_the_api_returns_is_encoded_byte_for_byte_as_drf_did():
    row = ReturnDict(
        {
            "id": 7,
            "tracking_code": "TS-2026-0007",
            "description": "收费后不开课，拒绝退费 \u2028 第二行\u2029",
            "received_at": datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC),
            "local": datetime.datetime(2026, 3, 1, 17, 30, tzinfo=SHANGHAI),
            "naive": datetime.datetime(2026, 3, 1, 17, 30, 0, 500),
            "due_on": datetime.date(2026, 3, 20),
            "opens": datetime.time(8, 15, 30, 250000),
            "amount_yuan": Decimal("1234.50"),
            "ref": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "tags": {"overdue"},
            "pair": (1, "二"),
            "errors": [ErrorDetail("该字段是必填项。", code="required")],
            "none": None,
            "flag": True,
            "counts": {2026: 3, 2027: 0},
            "big": 2**62,
            "nested": ReturnList([{"a": [], "b": {}}], serializer=None),
        },
        serializer=None,
    )
    with override("zh-hans"):
        row["label"] = gettext_lazy("Tip-offs")
        fast, drf = both(row)
    assert fast == drf
    assert "\u2028".encode() not in fast and b"\\u2028" in fast


def test_an_indented_request_is_served_as_drf_serves_it():
    fast, drf = both({"a": [1, {"b": "中"}]}, "application/json; indent=2")
    assert fast == drf and b"\n  " in fast


def test_no_data_is_an_empty_body():
    assert both(None) == (b"", b"")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values, st.floats(allow_nan=False, allow_infinity=False))
def test_any_json_tree_reads_back_the_same(value, number):
    data = {"value": value, "number": number}
    fast, drf = both(data)
    assert json.loads(fast) == json.loads(drf) == data
