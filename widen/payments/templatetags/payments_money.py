from django import template

from widen.payments.money import pounds as _pounds

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """`{{ entry.amount_pence|pounds }}` → £1,234.56."""
    return "" if pence is None else _pounds(pence)
