"""The survey template's columns and the words a surveyor may write in them."""

from core.spreadsheets import Column

# The header is what the template and the error report show; the file must have exactly
# these columns (in any order).
COLUMNS = [
    Column("name", "机构名称", True),
    Column("credit_code", "统一社会信用代码", True),
    Column("category", "类别", True),
    Column("organization_form", "组织形式", False),
    Column("profit", "营利性质", False),
    Column("delivery", "培训方式", False),
    Column("audience", "培训对象", False),
    Column("status", "状态", True),
    Column("street", "所在街道", False),
    Column("address", "地址", False),
    Column("contact_name", "联系人", False),
    Column("contact_phone", "联系电话", False),
    Column("licence_number", "办学许可证编号", False),
    Column("licence_issuer", "发证机关", False),
    Column("licence_issued_on", "发证日期", False),
    Column("licence_expires_on", "有效期至", False),
    Column("licence_scope", "核准办学范围", False),
    Column("business_number", "营业执照或登记证书编号", False),
]
HEADER = {c.key: c.header for c in COLUMNS}

CATEGORY = {
    "学科类": "academic",
    "文化艺术": "arts",
    "文化艺术类": "arts",
    "体育": "sports",
    "体育类": "sports",
    "科技": "science",
    "科技类": "science",
    "职业技能": "vocational",
    "职业技能类": "vocational",
    "托管": "care",
}
ORGANIZATION_FORM = {"公司": "company", "企业": "company", "民办非企业单位": "pne", "其他": "other"}
PROFIT = {
    "营利": "for_profit",
    "营利性": "for_profit",
    "非营利": "non_profit",
    "非营利性": "non_profit",
}
DELIVERY = {"线下": "offline", "线上": "online"}
AUDIENCE = {
    "学龄前": "audience_preschool",
    "义务教育": "audience_compulsory",
    "高中": "audience_highschool",
}
STATUS = {
    "筹设": "preparing",
    "申报": "preparing",
    "正常": "normal",
    "停办整改": "suspended",
    "取缔": "banned",
    "注销": "deregistered",
    "歇业": "closed",
    "自行停办": "closed",
}


def _first_label(mapping: dict) -> dict:
    """value → the first (template) word for it."""
    labels = {}
    for word, value in mapping.items():
        labels.setdefault(value, word)
    return labels


CATEGORY_LABEL = _first_label(CATEGORY)
STATUS_LABEL = _first_label(STATUS)
FORM_LABEL = _first_label(ORGANIZATION_FORM)
PROFIT_LABEL = _first_label(PROFIT)
DELIVERY_LABEL = _first_label(DELIVERY)
