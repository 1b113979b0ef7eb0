"""Mentoring's cells of the authorisation matrix, one module per area (see
tests/authz/areas.py), each with its URLs in a YAML file of the same name beside it (merged into
tests/authz_matrix.yaml's by tests/authz/matrix.py). Relations: own is Alpha University (the
world's HE provider), partner is Beta University (same partnership), unrelated is Gamma
University.
"""

from __future__ import annotations

from tests.authz.areas import MatrixAreas

_AREAS = MatrixAreas(__name__, __path__)
mentoring_rules = _AREAS.rules
mentoring_kwargs = _AREAS.kwargs
mentoring_body = _AREAS.body
