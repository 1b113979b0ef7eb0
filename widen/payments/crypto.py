"""Bank details encrypted at rest: the one mechanism every sensitive field uses,
`widen.core.crypto` (kept importable here for the payments migrations that name it).

A token cannot be searched or compared in the database (each encryption of the same value
differs), which is what is wanted: nothing looks a payee up by their account number. Should
something need to, it stores a `widen.core.crypto.BlindIndex` beside the field.
"""

from __future__ import annotations

from widen.core.crypto import EncryptedTextField, decrypt, encrypt, fernet, rotate

__all__ = ["EncryptedTextField", "decrypt", "encrypt", "fernet", "rotate"]
