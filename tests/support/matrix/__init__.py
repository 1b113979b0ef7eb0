"""Student support's cells of the authorisation matrix (tests/authz_matrix.yaml), one module per
area (see tests/authz/areas.py). Relations: own is Alpha University (the world's HE provider),
partner is Beta University (same partnership), unrelated is Gamma University.
"""

from __future__ import annotations

from tests.authz.areas import MatrixAreas

_AREAS = MatrixAreas(__name__, __path__)
support_rules = _AREAS.rules
support_kwargs = _AREAS.kwargs
support_body = _AREAS.body
