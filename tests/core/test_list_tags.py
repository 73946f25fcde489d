"""The lists' control tags (core/templatetags/lists.py, issue 11) give the markup the template
loops they replace gave, escaped the same way, whatever the request carries."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.template import Context, RequestContext, Template
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from bureaus.context import acting, system_actor
from tests.clients import page_client
from tests.complaints.records import make_complaint

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>&\""

# The loops as the includes had them before the tags.
HEADER_LOOP = """{% for column in table.columns %}
  {% if column.orderable %}
  <th scope="col"{% if column.is_ordered %} aria-sort="{% if column.order_by_alias.is_descending %}descending{% else %}ascending{% endif %}"{% endif %}><a class="sort-link" href="{% querystring sort=column.order_by_alias.next page=None %}">{{ column.header }}{% if column.is_ordered %}<span aria-hidden="true">{% if column.order_by_alias.is_descending %} ▼{% else %} ▲{% endif %}</span>{% endif %}</a></th>
  {% else %}<th scope="col">{{ column.header }}</th>{% endif %}
  {% endfor %}"""  # noqa: E501
HIDDEN_LOOP = """{% for key, values in request.GET.lists %}{% if key != "col" and key != "columns" and key != "page" %}{% for v in values %}<input type="hidden" name="{{ key }}" value="{{ v }}">{% endfor %}{% endif %}{% endfor %}"""  # noqa: E501
COLUMNS_LOOP = """{% for name, header, on in choosable_columns %}<label class="form-check-label"><input class="form-check-input" type="checkbox" name="col" value="{{ name }}"{% if on %} checked{% endif %}> {{ header }}</label>{% endfor %}"""  # noqa: E501
PAGES_LOOP = """{% for n in page_range %}{% if n == page_obj.paginator.ELLIPSIS %}<li class="page-item disabled"><span class="page-link">…</span></li>{% elif n == page_obj.number %}<li class="page-item active" aria-current="page"><span class="page-link">{{ n }}</span></li>{% else %}<li class="page-item"><a class="page-link" href="{% querystring page=n %}">{{ n }}</a></li>{% endif %}{% endfor %}"""  # noqa: E501
OPTIONS_LOOP = """{% for pk, name in choices %}<option value="{{ pk }}"{% if pk == chosen %} selected{% endif %}>{{ name }}</option>{% endfor %}"""  # noqa: E501


def _render(source, context, request=None):
    made = Context(context) if request is None else RequestContext(request, context)
    return Template("{% load lists %}" + source).render(made)


def test_options_escape_and_mark_the_chosen_one():
    choices = [(1, HOSTILE), (2, "乙区"), ("<x>", "三")]
    for chosen in (1, 2, "<x>", "", None):
        context = {"choices": choices, "chosen": chosen}
        assert _render("{% options choices chosen %}", context) == _render(OPTIONS_LOOP, context)
    sizes = _render("{% options sizes 50 %}", {"sizes": (25, 50, 100)})
    assert sizes == (
        '<option value="25">25</option><option value="50" selected>50</option>'
        '<option value="100">100</option>'
    )


def test_column_checkboxes_escape():
    context = {"choosable_columns": [("a", HOSTILE, True), ("<b>", "乙", False)]}
    new = _render("{% column_checkboxes choosable_columns %}", context)
    assert new == _render(COLUMNS_LOOP, context)
    assert "<script>" not in new


@pytest.mark.parametrize("who", [("a", "officer"), ("city", "supervisor")])
def test_header_hidden_inputs_and_page_links_as_the_loops_gave_them(tree, who):
    with acting(system_actor("tests")):
        for n in range(60):
            make_complaint(tree.a, f"甲区机构{n}", due_on=dt.date.today() + dt.timedelta(days=n))
    client = page_client(tree.user(*who))
    query = {"sort": "-due_on", "per_page": "25", "page": "2", "note": HOSTILE, HOSTILE: "1"}
    response = client.get("/complaints/", query)
    assert response.status_code == 200
    context = response.context
    request = response.wsgi_request
    page = {
        "request": request,
        "table": context["table"],
        "choosable_columns": context["choosable_columns"],
        "page_obj": context["page_obj"],
    }
    header = _render("{% header_cells table %}", page, request)
    assert header == _render(HEADER_LOOP, page, request)
    assert 'aria-sort="descending"' in header and "<script>" not in header
    hidden = _render("{% kept_query_inputs %}", page, request)
    assert hidden == _render(HIDDEN_LOOP, page, request)
    assert 'name="page"' not in hidden and "<script>" not in hidden
    pages = list(context["page_obj"].paginator.get_elided_page_range(2, on_each_side=2, on_ends=1))
    page["page_range"] = pages
    links = _render("{% page_links page_range page_obj %}", page, request)
    assert links == _render(PAGES_LOOP, page, request)
    assert 'aria-current="page"><span class="page-link">2<' in links
    body = response.content.decode()
    assert "<script>alert" not in body and header in body and hidden in body


QUERIES = [
    "",
    "page=3",
    "sort=-due_on&page=2&per_page=25",
    "status=a&status=b&q=%E5%9F%BA%E5%87%86+x&page=1",
    "note=%3Cscript%3E%26%22&%3Cb%3E=1&empty=&sort=status",
    "page=",
]
CHANGES = [
    "page=7",
    "page=None",
    "sort='-status' page=None",
    "absent=None",
    "sort=None page=None per_page=None note=None q=None status=None empty=None",
    "status=values",
    "new='新' page=2",
]


@pytest.mark.parametrize("query", QUERIES)
def test_querystring_is_djangos_tag(rf, query):
    """`{% load lists %}` replaces Django's `{% querystring %}` by one that encodes the request's
    parameters once: the same string (escaped the same way) for every change."""
    request = rf.get("/complaints/?" + query)
    for changes in CHANGES:
        context = {"values": ["x", "<y>"]}
        ours = _render(f"{{% querystring {changes} %}}", context, request)
        django = Template(f"{{% querystring {changes} %}}").render(RequestContext(request, context))
        assert ours == django, (query, changes)
        # A second link of the same request, from the parameters encoded once.
        assert _render(f"{{% querystring {changes} %}}", context, request) == django
    given = QueryDict("a=1&b=2")
    assert _render("{% querystring given b=3 %}", {"given": given}, request) == "?a=1&amp;b=3"


def test_lazy_labels_and_headers_are_translated_per_language():
    """Options and column checkboxes with lazy labels: each language's own text, as the
    template loops gave it, though kept per language (bureaus' ui.translated)."""
    choices = [("", gettext_lazy("All")), ("true", gettext_lazy("Yes")), ("x", HOSTILE)]
    columns = [("due_on", gettext_lazy("Reply due"), True), ("a", pgettext_lazy("x", "No"), 0)]
    seen = set()
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            context = {"choices": choices, "chosen": "true"}
            options = _render("{% options choices chosen %}", context)
            assert options == _render(OPTIONS_LOOP, context)
            context = {"choosable_columns": columns}
            boxes = _render("{% column_checkboxes choosable_columns %}", context)
            assert boxes == _render(COLUMNS_LOOP, context)
            seen.add((language, options, boxes))
    assert len(seen) == 2
    assert any("全部" in options for _l, options, _b in seen)


def test_header_cells_are_kept_per_order_columns_and_language(tree):
    """The header's markup is kept by the table's class, shown columns, order and language;
    its sort links are the request's own."""
    client = page_client(tree.user("city", "supervisor"))
    seen = set()
    for language in ("zh-hans", "en"):
        for query in ({}, {"sort": "-due_on"}, {"sort": "status", "q": HOSTILE}, {"sort": "x"}):
            response = client.get("/complaints/", query, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            request = response.wsgi_request
            page = {"request": request, "table": response.context["table"]}
            with translation.override(language):
                header = _render("{% header_cells table %}", page, request)
                assert header == _render(HEADER_LOOP, page, request)
            assert header in response.content.decode()
            seen.add(header)
    assert len(seen) >= 6  # two languages × three orders (an unknown sort is no order)
