"""The shared page components: a table named by its caption with its column headers and its
"none yet" row, and the pages of a long list with the current page marked and the filters kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory


def _render(source: str, **context: Any) -> str:
    return Template("{% load widen_components %}" + source).render(Context(context))


TABLE = (
    '{% table columns="School|Learners:numeric|Action:hidden|Held by:if=shows_holder" '
    'empty="No schools yet." %}Schools ({{ rows|length }}){% rows %}'
    "{% for row in rows %}<tr><td>{{ row }}</td><td>1</td><td></td></tr>{% endfor %}"
    "{% endtable %}"
)


def test_a_table_is_a_region_named_by_its_caption_with_its_column_headers() -> None:
    html = _render(TABLE, rows=["Bow School"], shows_holder=False)
    caption_id = re.search(r'<caption id="([^"]+)">Schools \(1\)</caption>', html)
    assert caption_id, html
    assert f'role="region" tabindex="0" aria-labelledby="{caption_id[1]}"' in html
    assert re.findall(r"<th [^>]*>.*?</th>", html) == [
        '<th scope="col">School</th>',
        '<th scope="col" class="numeric">Learners</th>',
        '<th scope="col"><span class="visually-hidden">Action</span></th>',
    ]
    assert "<td>Bow School</td>" in html
    assert "No schools yet." not in html


def test_an_empty_table_says_so_across_every_column_shown() -> None:
    html = _render(TABLE, rows=[], shows_holder=True)
    assert '<th scope="col">Held by</th>' in html
    assert '<tr><td colspan="4">No schools yet.</td></tr>' in html


def test_two_tables_on_a_page_have_captions_of_their_own() -> None:
    html = _render(TABLE + TABLE, rows=[], shows_holder=False)
    ids = re.findall(r'<caption id="([^"]+)"', html)
    assert len(ids) == 2
    assert len(set(ids)) == 2


def test_a_caption_can_be_read_but_not_shown_and_words_in_the_page_are_escaped() -> None:
    html = _render(
        '{% table columns=heading hide_caption=True id="t" %}Hidden{% rows %}{% endtable %}',
        heading="<b>School</b>",
    )
    assert '<caption id="t-caption" class="visually-hidden">Hidden</caption>' in html
    assert "&lt;b&gt;School&lt;/b&gt;" in html


def test_a_table_without_columns_is_a_mistake_the_page_shows_at_once() -> None:
    with pytest.raises(TemplateSyntaxError):
        _render("{% table %}x{% rows %}{% endtable %}")
    with pytest.raises(TemplateSyntaxError):
        _render('{% table columns="A:wide" %}x{% rows %}{% endtable %}')


def _pages(number: int, query: str) -> str:
    page = Paginator(list(range(200)), 20).page(number)
    request = RequestFactory().get(f"/learners/?{query}")
    return Template(
        '{% include "includes/pagination.html" with label="Pages of learners" %}'
    ).render(Context({"page": page, "request": request}))


def test_the_pages_of_a_list_mark_the_current_one_and_keep_the_filters() -> None:
    html = _pages(5, "school=4&page=5")
    assert '<nav class="pagination" aria-label="Pages of learners">' in html
    current = re.findall(r"<a [^>]*aria-current=\"page\"[^>]*>(.*?)</a>", html)
    assert current == [
        '<span class="visually-hidden">Page </span>5<span class="visually-hidden"> of 10</span>'
    ]
    assert 'href="?school=4&amp;page=4" rel="prev">Previous page</a>' in html
    assert 'href="?school=4&amp;page=6" rel="next">Next page</a>' in html
    assert 'href="?school=4&amp;page=1"' in html  # the first page
    assert 'href="?school=4&amp;page=10"' in html  # the last page
    assert "…" in html  # the pages between are not each listed


def test_the_first_page_offers_no_previous_and_a_single_page_no_navigation() -> None:
    assert "Previous page" not in _pages(1, "")
    single = Paginator([1, 2], 20).page(1)
    html = Template('{% include "includes/pagination.html" %}').render(Context({"page": single}))
    assert "<nav" not in html
