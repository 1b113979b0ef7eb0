"""The student partners' cells of the authorisation matrix (tests/authz_matrix.yaml), one module
per area (see tests/authz/areas.py). Relations: own is Alpha University (the world's HE
provider), partner is Beta University (same partnership), unrelated is Gamma University.
"""

from __future__ import annotations

from tests.authz.areas import MatrixAreas

_AREAS = MatrixAreas(__name__, __path__)
partners_rules = _AREAS.rules
partners_kwargs = _AREAS.kwargs
partners_body = _AREAS.body
