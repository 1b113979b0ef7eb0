"""The pages for importing students from a student record system's export, opened as the
demo's QMUL partnership admin (who manages QMUL's students), for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from playwright.sync_api import FilePayload, Page, expect

from tests.browser.support import Browse, opened, refused

MANAGER = "admin"


def _export(rows: list[list[str]], name: str) -> FilePayload:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def upload_page(browse: Browse) -> Page:
    return opened(browse.as_person(MANAGER), "/students/import/", "Import students")


def upload_page_with_an_error(browse: Browse) -> Page:
    return refused(upload_page(browse), "Upload and check")


def _checked(browse: Browse, rows: list[list[str]], name: str) -> Page:
    page = upload_page(browse)
    page.locator("#id_student_list").set_input_files(_export(rows, name))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check {name}")
    return page


def _numbers() -> tuple[str, str]:
    stem = secrets.token_hex(3).upper()
    return f"AX{stem}1", f"AX{stem}2"


SITS = ["STU_CODE", "STU_FNM1", "STU_SURN", "STU_DOB", "SCE_STAC", "ETHNIC"]


def check_with_problems(browse: Browse) -> Page:
    first, second = _numbers()
    rows = [
        SITS,
        [first, "Amira", "Begum", "04/03/2006", "C", "103"],
        [second, "Tom", "Okafor", "31/02/2005", "X", ""],
    ]
    page = _checked(browse, rows, "sits-export.csv")
    expect(page.locator("#student-import-problems")).to_contain_text("31/02/2005")
    expect(page.locator("#student-import-added")).to_contain_text("Amira Begum")
    return page


def check_with_updates(browse: Browse) -> Page:
    first, second = _numbers()
    rows = [SITS, [first, "Amira", "Begum", "04/03/2006", "C", "103"]]
    page = _checked(browse, rows, "first.csv")
    page.get_by_role("button", name="Import the students").click()
    expect(page.get_by_text("Imported on")).to_be_visible()
    changed = [SITS, [first, "Amira", "Begum", "04/03/2006", "I", "103"],
               [second, "Tom", "Okafor", "30/11/2005", "C", ""]]  # fmt: skip
    page = _checked(browse, changed, "second.csv")
    expect(page.locator("#student-import-updated")).to_contain_text("Enrolled → Interrupted")
    return page


def imported(browse: Browse) -> Page:
    first, _ = _numbers()
    page = _checked(browse, [SITS, [first, "Leo", "Ward", "15/01/2003", "C", ""]], "done.csv")
    page.get_by_role("button", name="Import the students").click()
    expect(page.get_by_role("button", name="Roll back this import")).to_be_visible()
    return page


STUDENT_IMPORT_PAGES: dict[str, Callable[[Browse], Page]] = {
    "student import: upload and past uploads": upload_page,
    "student import: upload with an error": upload_page_with_an_error,
    "student import: check, rows with problems": check_with_problems,
    "student import: check, students updated": check_with_updates,
    "student import: imported, can be rolled back": imported,
}
