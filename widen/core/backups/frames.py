"""The encrypted backup file: its format, its keys, and writing and reading its frames.

The file: a header (`MAGIC`, the key's fingerprint, the backup's random id), then frames, each a
4-byte length and a Fernet token (AES-128-CBC with HMAC-SHA256, from `cryptography`). Inside each
token: a kind (manifest, data, end), the frame's number and the backup id, then the payload; the
end frame holds the number of frames and the SHA-256 of the whole copy. A frame altered, moved,
dropped, taken from another backup or cut off is refused before anything is restored. The keys are
`settings.BACKUP_ENCRYPTION_KEYS` (`WIDEN_BACKUP_KEYS`): the first encrypts, every key decrypts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from widen.core.backups.errors import BackupError

MAGIC = b"WIDEN-BACKUP-v1\n"
FORMAT = 1
CHUNK_BYTES = 1024 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024
ID_BYTES = 16
_KEY_ID_BYTES = 8
_FRAME_HEADER = struct.Struct(">cQ16s")  # kind, frame number, backup id
_LENGTH = struct.Struct(">I")
MANIFEST, DATA, END = b"M", b"D", b"E"


# Keys


def backup_keys() -> list[str]:
    keys = list(settings.BACKUP_ENCRYPTION_KEYS)
    if not keys:
        raise BackupError(
            "Set WIDEN_BACKUP_KEYS to one or more Fernet keys (comma-separated, newest first) "
            'to encrypt backups; make one with `python -c "from cryptography.fernet import '
            'Fernet; print(Fernet.generate_key().decode())"` and keep it away from the backups.'
        )
    return keys


def key_fingerprint(key: str) -> bytes:
    """A short, one-way name for `key`, written in a backup's header so a restore can say which
    key it needs (it tells nothing about the key)."""
    return hmac.new(key.encode(), b"widen backup key fingerprint", hashlib.sha256).digest()[
        :_KEY_ID_BYTES
    ]


# Writing


class FrameWriter:
    def __init__(self, out: IO[bytes], fernet: MultiFernet, backup_id: bytes) -> None:
        self.out, self.fernet, self.backup_id = out, fernet, backup_id
        self.frames = 0

    def write(self, kind: bytes, payload: bytes) -> None:
        plain = _FRAME_HEADER.pack(kind, self.frames, self.backup_id) + payload
        token = self.fernet.encrypt(plain)
        self.out.write(_LENGTH.pack(len(token)) + token)
        self.frames += 1


# Reading


class FrameReader:
    def __init__(self, source: IO[bytes], path: Path) -> None:
        self.source, self.path = source, path
        header = source.read(len(MAGIC) + _KEY_ID_BYTES + ID_BYTES)
        if len(header) < len(MAGIC) or header[: len(MAGIC)] != MAGIC:
            raise BackupError(f"{path} is not a Widen backup (made by `widen backup`).")
        if len(header) != len(MAGIC) + _KEY_ID_BYTES + ID_BYTES:
            raise BackupError(f"{path} is cut short: it is damaged. Nothing was changed.")
        key_id = header[len(MAGIC) : len(MAGIC) + _KEY_ID_BYTES]
        self.backup_id = header[len(MAGIC) + _KEY_ID_BYTES :]
        keys = backup_keys()
        matching = [key for key in keys if hmac.compare_digest(key_fingerprint(key), key_id)]
        if not matching:
            raise BackupError(
                f"{path} was encrypted with a key that is not in WIDEN_BACKUP_KEYS (key "
                f"fingerprint {key_id.hex()}): add that key to WIDEN_BACKUP_KEYS (after the "
                "newest) and try again. Nothing was changed."
            )
        self.fernet = MultiFernet([Fernet(key.encode()) for key in matching])
        self.frames = 0

    def damaged(self, why: str) -> BackupError:
        return BackupError(
            f"{self.path} has been altered or damaged ({why}): it cannot be trusted and was not "
            "restored. Nothing was changed; use another backup."
        )

    def read(self) -> tuple[bytes, bytes]:
        length_bytes = self.source.read(_LENGTH.size)
        if len(length_bytes) != _LENGTH.size:
            raise self.damaged(f"it ends early, after part {self.frames}")
        (length,) = _LENGTH.unpack(length_bytes)
        if length > MAX_FRAME_BYTES:
            raise self.damaged(f"part {self.frames + 1} has an impossible length")
        token = self.source.read(length)
        if len(token) != length:
            raise self.damaged(f"it ends early, in part {self.frames + 1}")
        try:
            plain = self.fernet.decrypt(token)
        except InvalidToken as error:
            raise self.damaged(f"part {self.frames + 1} fails its check") from error
        kind, number, backup_id = _FRAME_HEADER.unpack_from(plain)
        if number != self.frames or backup_id != self.backup_id:
            raise self.damaged(f"part {self.frames + 1} is out of place")
        self.frames += 1
        return kind, plain[_FRAME_HEADER.size :]


def open_manifest(reader: FrameReader) -> dict[str, Any]:
    kind, payload = reader.read()
    if kind != MANIFEST:
        raise reader.damaged("its manifest is missing")
    manifest: dict[str, Any] = json.loads(payload)
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{reader.path} is in backup format {manifest.get('format')}; this Widen reads "
            f"format {FORMAT}. Restore it with the Widen version that made it "
            f"({manifest.get('widen_version')})."
        )
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup at `path` (decrypted and checked)."""
    with Path(path).open("rb") as source:
        return open_manifest(FrameReader(source, Path(path)))


def decrypt_to(reader: FrameReader, out: IO[bytes]) -> None:
    digest, size = hashlib.sha256(), 0
    while True:
        kind, payload = reader.read()
        if kind == DATA:
            digest.update(payload)
            size += len(payload)
            out.write(payload)
            continue
        if kind != END:
            raise reader.damaged(f"part {reader.frames} is of an unknown kind")
        end = json.loads(payload)
        if end != {"frames": reader.frames, "bytes": size, "sha256": digest.hexdigest()}:
            raise reader.damaged("its contents do not add up to what it recorded")
        if reader.source.read(1):
            raise reader.damaged("it has more after its end")
        return
