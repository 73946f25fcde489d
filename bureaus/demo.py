"""Demo data for the bureaus app: one province, one city, three districts with streets and
partner departments, and a user for every role. Idempotent."""

from django.db import transaction

from bureaus.models import Bureau, Department, Membership, Street, User

# Meets the password policy (bureaus.passwords); demo accounts only, printed by `make run`.
DEMO_PASSWORD = "Jianguan-Demo-2026"  # noqa: S105

DISTRICTS = {
    "330106": (
        "西湖区",
        "xihu",
        [
            "北山街道",
            "西溪街道",
            "翠苑街道",
            "文新街道",
            "古荡街道",
            "蒋村街道",
            "留下街道",
            "转塘街道",
        ],
    ),
    "330102": (
        "上城区",
        "shangcheng",
        ["湖滨街道", "清波街道", "小营街道", "望江街道", "南星街道", "紫阳街道"],
    ),
    "330105": (
        "拱墅区",
        "gongshu",
        ["米市巷街道", "湖墅街道", "小河街道", "和睦街道", "拱宸桥街道", "大关街道"],
    ),
}

DEPARTMENTS = [
    (Department.Kind.EDUCATION, "{d}教育局"),
    (Department.Kind.MARKET, "{d}市场监督管理局"),
    (Department.Kind.FIRE, "{d}消防救援大队"),
    (Department.Kind.POLICE, "杭州市公安局{d}分局"),
    (Department.Kind.CULTURE, "{d}文化和广电旅游体育局"),
    (Department.Kind.SPORTS, "{d}体育发展中心"),
    (Department.Kind.SCIENCE, "{d}科学技术局"),
    (Department.Kind.CIVIL, "{d}民政局"),
    (Department.Kind.HR, "{d}人力资源和社会保障局"),
    (Department.Kind.HEALTH, "{d}卫生健康局"),
    (Department.Kind.URBAN, "{d}综合行政执法局"),
]

ROLE_NAMES = {
    Membership.Role.ADMIN: "系统管理员",
    Membership.Role.OFFICER: "科员",
    Membership.Role.INSPECTOR: "检查员",
    Membership.Role.AUDITOR: "审计员",
    Membership.Role.SECURITY: "安全管理员",
}


def _user(username, display_name, bureau=None):
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name, "bureau": bureau}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _member(user, bureau, role):
    Membership.objects.get_or_create(user=user, bureau=bureau, defaults={"role": role})


@transaction.atomic
def seed_bureaus() -> list[tuple[str, str]]:
    """Create the demo tree and users; returns (username, description) for each demo login."""
    province, _ = Bureau.objects.get_or_create(
        code="33", defaults={"name": "浙江省教育厅", "level": Bureau.Level.PROVINCE}
    )
    city, _ = Bureau.objects.get_or_create(
        code="3301",
        defaults={"name": "杭州市教育局", "level": Bureau.Level.CITY, "parent": province},
    )
    logins = []
    for code, (name, slug, streets) in DISTRICTS.items():
        district, _ = Bureau.objects.get_or_create(
            code=code,
            defaults={"name": f"{name}教育局", "level": Bureau.Level.DISTRICT, "parent": city},
        )
        for street in streets:
            Street.objects.get_or_create(bureau=district, name=street)
        for kind, pattern in DEPARTMENTS:
            Department.objects.get_or_create(
                bureau=district, name=pattern.format(d=name), defaults={"kind": kind}
            )
        for role, title in ROLE_NAMES.items():
            username = f"{slug}_{role}"
            _member(_user(username, f"{name}{title}", district), district, role)
            logins.append((username, f"{name} · {Membership.Role(role).label}"))
    supervisors = [
        ("hangzhou_supervisor", "杭州市教育局督导", city),
        ("zhejiang_supervisor", "浙江省教育厅督导", province),
    ]
    for username, display, bureau in supervisors:
        _member(_user(username, display, bureau), bureau, Membership.Role.SUPERVISOR)
        logins.append((username, f"{bureau.name} · {Membership.Role.SUPERVISOR.label}"))
    # One person with two memberships, to show the bureau switcher.
    both = _user("multi_officer", "跨区科员")
    _member(both, Bureau.objects.get(code="330106"), Membership.Role.OFFICER)
    _member(both, Bureau.objects.get(code="330102"), Membership.Role.OFFICER)
    logins.append(("multi_officer", "西湖区 + 上城区 · 业务人员（可切换）"))
    return logins
