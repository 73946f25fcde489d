"""The national checklist templates, from the seed documents: the eight areas of an
off-campus training campaign (seed 000 §三), the nine routine items of a summer inspection
(seed 001 篇4) and the seven 回头看 items (seed 002 §三). Data, in Chinese as published."""

from django.db import migrations

TEMPLATES = [
    (
        "校外培训机构专项整治八项重点",
        "seed 000 §三 整治重点",
        [
            ("场所安全", "配齐配全各种消防器材和设施；存在重大安全隐患的立即停办整改"),
            ("教材问题", "落实教材审核，拒绝非法出版物，不选用未经批准的教材、教辅、音频视频"),
            (
                "教学行为",
                "无超纲教学、提前教学、强化应试和留家庭作业；无学科类等级考试、竞赛及排名；"
                "无衔接班；上课时间不超过20:30",
            ),
            ("师资问题", "学科类培训教师具备相应学科资质；未聘用中小学在职教师"),
            ("疫情防控", "落实防控措施，把好培训场所入口关，按要求做好消杀"),
            ("资金安全", "设立资金监管账户，录入政务服务网，设定预警值并开展资金日常监管"),
            ("诚信办学", "无不公平格式条款；使用《中小学生校外培训服务合同(示范文本)》"),
            (
                "规范办学",
                "取得《办学许可证》、营业执照(或民办非企业单位登记证书)；不超出审批内容培训；"
                "做好公示和备案",
            ),
        ],
    ),
    (
        "暑期专项检查九方面",
        "seed 001 篇4 常规工作检查内容",
        [
            ("亮证办学", "办学许可证、营业执照、教师信息、收退费、办班、管理制度公示"),
            ("安全防范", "安全管理制度、预案及防范措施"),
            ("规范办学", "培训地点、培训计划、培训内容"),
            ("师资", "教师资格证、毕业证及其他相关资格"),
            ("合同", "与服务对象签订培训合同情况"),
            ("安全防范", "培训场所、消防安全、设备设施达标情况"),
            ("师资", "聘用在职教师兼职上课和与中小学教师有利益输送生源情况"),
            ("安全防范", "其他重大安全隐患或造成恶劣社会影响"),
            ("收费", "开具收费发票和资金管理账户执行情况"),
        ],
    ),
    (
        "学科类校外培训治理“回头看”七看",
        "seed 002 §三 排查内容",
        [
            (
                "假注销真运营",
                "看培训机构压减：是否存在“假注销、真运营”，已注销机构仍利用原师资、生源继续开展学科培训",
            ),
            (
                "营转非",
                "看“营转非”“备改审”：是否“名有非营利外壳，实为营利性行为”，抽逃开办资金、私设账外资金、"
                "违规关联交易、虚增业务成本",
            ),
            (
                "收费监管",
                "看培训收费监管：预收费资金是否纳入监管，违规收费、使用不规范合同、未执行政府指导价",
            ),
            (
                "隐形变异",
                "看隐形变异治理：无证无照机构违规培训，以“家政服务”“家庭教育指导”“众筹私教”等名义违规培训",
            ),
            ("材料和人员", "看材料和人员规范：培训材料内容是否合规、从业人员是否符合资质、前期问题整改落实"),
            ("数据填报", "看数据信息填报：综合平台填报数据信息的及时性、完整性、准确性"),
            ("风险防范", "看风险防范：退费难问题解决、监管执法、防范化解劳动用工风险等机制建立及落实"),
        ],
    ),
]


def seed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for name, source, items in TEMPLATES:
        template, created = Template.objects.get_or_create(
            name=name, bureau=None, defaults={"source": source}
        )
        if created:
            Item.objects.bulk_create(
                Item(template=template, area=area, text=text, position=i)
                for i, (area, text) in enumerate(items, start=1)
            )


def unseed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    # Plain deletes, items first: the cascade collector of a historical model trips over the
    # relations of the other migration states ("Must be ChecklistTemplate instance").
    using = schema_editor.connection.alias
    seeded = Template.objects.filter(bureau=None, name__in=[t[0] for t in TEMPLATES])
    ids = list(seeded.values_list("pk", flat=True))
    Item.objects.filter(template_id__in=ids)._raw_delete(using)
    Template.objects.filter(pk__in=ids)._raw_delete(using)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_campaigns_visits_notices")]
    operations = [migrations.RunPython(seed, unseed)]
