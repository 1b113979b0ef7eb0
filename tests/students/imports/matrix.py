"""The authorisation matrix's objects for importing students: an upload for the person's own
provider (own), for a partner provider (partner), or for a stranger partnership's provider
(unrelated); and a valid body for the upload page."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from widen.students.models import StudentImport
from widen.testing.world import World

CONTENT = b"STU_CODE,STU_FNM1,STU_SURN\r\nM1,Matrix,Importer\r\n"


def student_import_kwargs(
    world: World, rule: str, role: str, relation: str
) -> dict[str, Any] | None:
    if rule != "student_import":
        return None
    uploads: dict[tuple[str, str], StudentImport] = world.__dict__.setdefault("student_imports", {})
    if (role, relation) not in uploads:
        provider = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
        uploads[(role, relation)] = StudentImport.objects.create(
            organisation=provider,
            file_name="students.csv",
            file_format="csv",
            file_sha256=hashlib.sha256(CONTENT).hexdigest(),
            file_size=len(CONTENT),
            file_content=CONTENT,
            rows_total=1,
        )
    return {"import_id": uploads[(role, relation)].pk}


def student_import_body(world: World, name: str) -> dict[str, Any] | None:
    if name != "student_imports:upload":
        return None
    return {
        "organisation": str(world.alpha.pk),
        "student_list": SimpleUploadedFile("students.csv", CONTENT),
    }
