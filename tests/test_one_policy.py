"""Who may do what is decided only in `widen/accounts` and the apps' `permissions.py` modules.

A new page or service that looks at roles or memberships itself is the fault the authorisation
matrix cannot always see (a page nobody listed yet); this test reads the code and names it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

WIDEN = Path(__file__).resolve().parent.parent / "widen"

# Fixtures that set people up with roles (the demo partnership, the test world), not decisions.
SET_UP = ("demo", "testing")
# Declares memberships in the register of personal data (what they hold, how long): no decision.
DECLARES = (Path("audit/personal_data/accounts.py"),)
QUERY_METHODS = {"filter", "exclude", "get", "exists", "values", "values_list", "first", "all"}


def _deciding_modules() -> Iterator[Path]:
    for path in sorted(WIDEN.rglob("*.py")):
        parts = path.relative_to(WIDEN).parts
        if parts[0] in ("accounts", *SET_UP) or "migrations" in parts or "tests" in parts:
            continue
        if path.name == "permissions.py" or "permissions" in parts[:-1]:
            continue
        if path.relative_to(WIDEN) in DECLARES:
            continue
        yield path


def _is_role(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    )


def _names_membership_query(node: ast.Call) -> bool:
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in QUERY_METHODS):
        return False
    target = func.value
    while isinstance(target, ast.Call | ast.Attribute):
        if isinstance(target, ast.Call):
            target = target.func
        elif isinstance(target, ast.Attribute) and target.attr == "objects":
            target = target.value
            break
        else:
            target = target.value
    return isinstance(target, ast.Name) and target.id == "Membership"


def _offences(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(WIDEN.parent)
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and any(map(_is_role, node.elts)):
            yield f"{where}:{node.lineno}: a tuple of roles"
        elif isinstance(node, ast.Compare) and any(
            _is_role(side) for side in [node.left, *node.comparators]
        ):
            yield f"{where}:{node.lineno}: compares a role"
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and (
                    "role__" in keyword.arg or keyword.arg.startswith("memberships")
                ):
                    yield f"{where}:{node.lineno}: queries by role or membership ({keyword.arg})"
                elif keyword.arg == "role" and _is_role(keyword.value):
                    yield f"{where}:{node.lineno}: queries by role"
            if _names_membership_query(node):
                yield f"{where}:{node.lineno}: queries memberships"
        elif isinstance(node, ast.ImportFrom) and node.module == "widen.accounts.models":
            names = {alias.name for alias in node.names}
            if names & {"Membership", "ROLE_CAPABILITIES"}:
                yield f"{where}:{node.lineno}: reads roles from accounts.models"


def test_no_module_decides_who_may_outside_the_policies() -> None:
    offences = sorted({offence for path in _deciding_modules() for offence in _offences(path)})
    assert offences == [], "Ask the app's policy (permissions.py) instead:\n" + "\n".join(offences)


def test_the_walk_finds_what_it_is_for(tmp_path: Path) -> None:
    """The walker itself: each shape of the fault is found."""
    sample = tmp_path / "views.py"
    sample.write_text(
        "from widen.accounts.models import Membership, Role\n"
        "DELIVERING = (Role.PARTNERSHIP_ADMIN, Role.OUTREACH_OFFICER)\n"
        "def f(user, org, membership):\n"
        "    Membership.objects.filter(user=user).exists()\n"
        "    org.people.filter(memberships__role='x')\n"
        "    org.people.filter(role__in=['x'])\n"
        "    return membership.role == Role.SCHOOL_STAFF\n",
        encoding="utf-8",
    )
    global WIDEN
    saved, WIDEN = WIDEN, tmp_path
    try:
        found = list(_offences(sample))
    finally:
        WIDEN = saved
    kinds = " ".join(found)
    for shape in (
        "reads roles",
        "tuple of roles",
        "queries memberships",
        "memberships__role",
        "role__in",
        "compares a role",
    ):
        assert shape in kinds, (shape, found)
