"""The page components every table, list of pages and chart is shown with.

- `{% table columns="Name|Total:numeric|Action:hidden" %}CAPTION{% rows %}ROWS{% endtable %}`:
  a table in its own scrolling region named by its caption, each column header `scope="col"`.
  A column marked `:numeric` is aligned as a figure, `:hidden` is read by screen readers only,
  `:if=name` (or `:unless=name`) is there only when the page's `name` is true (false).
  Optional: `empty="No imports yet."` (one row saying so when ROWS renders nothing),
  `hide_caption=True` (the caption is read, not shown), `id`, `class` (the table's),
  `caption_id` (the caption's; one is made up otherwise).
- `{% include "includes/pagination.html" with page=page label="Pages of learners" %}`: see there;
  `{% page_href page_number %}` is a link to another page of the same list, its filters kept.
- `{% include "includes/chart.html" with chart=… %}`: a bar chart (widen/core/charts.py) whose
  figures the page shows in a table beneath it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


def _next_table_number(context: template.Context) -> int:
    """1, 2, 3… for the tables of one page, so that each caption's id is its own."""
    number = int(getattr(context, "widen_tables", 0)) + 1
    setattr(context, "widen_tables", number)  # noqa: B010 (the context class declares no slot)
    return number


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    hidden: bool = False


def columns_of(spec: str, context: template.Context) -> list[Column]:
    """ "School|Total:numeric|Action:hidden:if=may_act" → the table's column headers; a column
    marked `if=name` is there only when `name` is true in the page, `unless=name` when false."""
    columns = []
    for part in str(spec).split("|"):
        text, *flags = part.split(":")
        shown = True
        for flag in flags:
            test, _, name = flag.partition("=")
            if test in ("if", "unless") and name:
                shown = shown and bool(template.Variable(name).resolve(context)) == (test == "if")
            elif flag not in ("numeric", "hidden"):
                raise template.TemplateSyntaxError(f"Unknown column flag {flag!r} in {spec!r}")
        if not shown:
            continue
        # Written in the template ("Effect size (d<sub>z</sub>)"), so its markup is the page's.
        label = SafeString(text.strip()) if isinstance(spec, SafeString) else text.strip()
        columns.append(Column(label=label, numeric="numeric" in flags, hidden="hidden" in flags))
    return columns


class TableNode(template.Node):
    def __init__(
        self, caption: NodeList, rows: NodeList, options: dict[str, FilterExpression]
    ) -> None:
        self.caption = caption
        self.rows = rows
        self.options = options

    def render(self, context: template.Context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        table_id = options.get("id") or ""
        caption_id = options.get("caption_id") or (
            f"{table_id}-caption" if table_id else f"table-caption-{_next_table_number(context)}"
        )
        return render_to_string(
            "includes/table.html",
            {
                "caption": SafeString(self.caption.render(context).strip()),
                "rows": SafeString(self.rows.render(context).strip()),
                "columns": columns_of(options.get("columns", ""), context),
                "empty": options.get("empty"),
                "hide_caption": options.get("hide_caption", False),
                "table_id": table_id,
                "table_class": options.get("class") or "",
                "caption_id": caption_id,
            },
        )


TABLE_OPTIONS = {"columns", "empty", "hide_caption", "id", "class", "caption_id"}


@register.tag("table")
def do_table(parser: Parser, token: Token) -> TableNode:
    bits = token.split_contents()[1:]
    given = len(bits)
    options = template.base.token_kwargs(bits, parser) if bits else {}
    if len(options) != given:
        raise template.TemplateSyntaxError("table takes name=value options only")
    unknown = set(options) - TABLE_OPTIONS
    if unknown or "columns" not in options:
        raise template.TemplateSyntaxError(f"table needs columns=; unknown: {sorted(unknown)}")
    caption = parser.parse(("rows",))
    parser.delete_first_token()
    rows = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(caption, rows, options)


@register.simple_tag(takes_context=True)
def page_href(context: template.Context, number: Any) -> str:
    """'?school=4&page=3': the same list's page `number`, every other filter kept."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={number}"
    query["page"] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def page_numbers(page: Any) -> list[Any]:
    """The page numbers to offer: the first, the last and those beside the current one, an
    ellipsis for the rest (Django's elided page range)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
