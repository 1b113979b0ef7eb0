"""How big a workbook's sheets really are, found before any spreadsheet reader sees them.

A spreadsheet reader builds every sheet as a grid from its first to its last cell, so a 2 KB
XLSX holding one cell at A1 and one at XFD200000 asks for 3,276,800,000 cells (about 100 GB)
and takes the whole server down. `check_workbook` reads the workbook's zip parts itself,
decompressing each one in small pieces and never trusting the sizes the zip claims, and scans
the sheet XML as bytes for the cells and rows it holds:

- XLSX: each worksheet's declared `<dimension ref=…>` and the real extent (the furthest row
  and column of any `<row>` and `<c>`, counting those with no `r` attribute as a reader
  does), the number of cells, and the number of shared strings;
- ODS: each table of `content.xml`, with `table:number-rows-repeated` and
  `table:number-columns-repeated` counted as the reader expands them.

A sheet beyond the limits raises `WorkbookTooBigError` naming the sheet, how far it runs and the
limits, before anything is built. The scan is deliberately generous: anything that might be a
cell counts as one, and a cell position that cannot be read refuses the file.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

from defusedxml import ElementTree

CHUNK_BYTES = 1024 * 1024
# A start tag longer than this (a cell's or row's is a few dozen bytes) is not a sheet we read.
MAX_TAG_BYTES = CHUNK_BYTES
# Excel's own grid: no real sheet reaches further.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


class FileRefusedError(Exception):
    """A file that cannot be read as a whole; `message` says why, in the person's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkbookTooBigError(FileRefusedError):
    """The workbook is too big (or too odd) to read safely; the message says why."""


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int
    max_columns: int
    max_cells: int = 10_000_000
    max_zip_entries: int = 500
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    # What the person should do, said after the limits ("Save only the columns you need…").
    advice: str = (
        "Keep only the rows and columns you need (or copy them into a new workbook) and try again."
    )


def column_letters(number: int) -> str:
    """The letters of a 1-based column number (1 → A, 16384 → XFD)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters or "A"


def check_workbook(content: bytes, limits: SheetLimits) -> None:
    """Refuse a workbook (XLSX or ODS) any sheet of which is beyond `limits`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise WorkbookTooBigError(
            "This workbook is damaged or incomplete: it cannot be opened."
        ) from error
    with archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if len(entries) > limits.max_zip_entries:
            raise WorkbookTooBigError(
                f"This workbook holds {len(entries):,} parts; at most {limits.max_zip_entries:,} "
                "are accepted. Save just the sheet you need as CSV."
            )
        declared = sum(entry.file_size for entry in entries)
        if declared > limits.max_uncompressed_bytes:
            raise WorkbookTooBigError(_unpacks_to(declared, limits))
        names = {entry.filename.lower() for entry in entries}
        if any(name.endswith("workbook.bin") for name in names):
            raise WorkbookTooBigError(
                "Binary workbooks (.xlsb) are not accepted. In Excel, use File > Save As and "
                "choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
            )
        sheet_names = _xlsx_sheet_names(archive, names)
        budget = _Budget(limits.max_uncompressed_bytes)
        for entry in entries:
            if entry.filename.lower() == "content.xml":
                _check_ods(content, entry, limits, budget)
            else:
                _check_xml_part(content, entry, sheet_names.get(entry.filename, ""), limits, budget)


def _unpacks_to(size: int, limits: SheetLimits) -> str:
    return (
        f"This workbook unpacks to {size / 1_048_576:,.0f} MB; at most "
        f"{limits.max_uncompressed_bytes // 1_048_576:,} MB is accepted. Save it as CSV or "
        "split it."
    )


@dataclass
class _Budget:
    """The uncompressed bytes still allowed, across every part of the workbook."""

    left: int

    def spend(self, count: int, limits: SheetLimits) -> None:
        self.left -= count
        if self.left < 0:
            raise WorkbookTooBigError(_unpacks_to(limits.max_uncompressed_bytes + 1, limits))


def _damaged(part: str) -> WorkbookTooBigError:
    return WorkbookTooBigError(
        f"This workbook is damaged: its part '{part[:80]}' cannot be read. Save it again from "
        "the spreadsheet program."
    )


def _part_chunks(
    content: bytes, entry: zipfile.ZipInfo, limits: SheetLimits, budget: _Budget
) -> Iterator[bytes]:
    """The uncompressed bytes of one zip part, in pieces; never more than the part says it
    holds, whatever its compressed stream would unpack to."""
    if entry.flag_bits & 0x1:
        raise WorkbookTooBigError(
            "This workbook is protected with a password: remove it and try again."
        )
    header_at = entry.header_offset
    header = content[header_at : header_at + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged(entry.filename)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = header_at + 30 + name_length + extra_length
    raw = memoryview(content)[start : start + entry.compress_size]
    if len(raw) < entry.compress_size:
        raise _damaged(entry.filename)
    produced = 0
    if entry.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (
            bytes(raw[at : at + CHUNK_BYTES]) for at in range(0, len(raw), CHUNK_BYTES)
        )
    elif entry.compress_type == zipfile.ZIP_DEFLATED:
        pieces = _inflate(raw, entry.filename)
    else:
        raise WorkbookTooBigError(
            "This workbook is compressed in a way spreadsheet programs do not use: save it again "
            "from the spreadsheet program."
        )
    for piece in pieces:
        produced += len(piece)
        if produced > entry.file_size:
            # A part that unpacks to more than it says: another reader might read the rest.
            raise _damaged(entry.filename)
        budget.spend(len(piece), limits)
        yield piece


def _inflate(raw: memoryview, part: str) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for at in range(0, len(raw), CHUNK_BYTES // 16):
            data = bytes(raw[at : at + CHUNK_BYTES // 16])
            while data:
                piece = decompressor.decompress(data, CHUNK_BYTES)
                if piece:
                    yield piece
                data = decompressor.unconsumed_tail
            if decompressor.eof:
                break
        tail = decompressor.flush()
    except zlib.error as error:
        raise _damaged(part) from error
    if tail:
        yield tail


def _tags(chunks: Iterator[bytes], part: str) -> Iterator[bytes]:
    """The text of `chunks` cut only just before a '<', so no tag is ever split."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            carry = data
        else:
            carry = data[cut:]
            yield data[:cut]
        if len(carry) > MAX_TAG_BYTES:
            # A long text after the last tag: keep the tag, drop the text (it holds no tags).
            end = carry.find(b">")
            if end == -1:
                raise _damaged(part)
            yield carry[: end + 1]
            carry = b""
    if carry:
        yield carry


def _utf8(chunks: Iterator[bytes], part: str) -> Iterator[bytes]:
    """The part as UTF-8 (or another encoding in which the markup is ASCII)."""
    first = next(chunks, b"")
    if first.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in first[:200]:
        # UTF-16: decode it whole, within the part's size, as it is rare and small.
        data = first + b"".join(chunks)
        try:
            yield data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise _damaged(part) from error
        return
    yield first
    yield from chunks


# Any element whose local name is `name`, with any prefix; the attributes are captured when the
# tag is well formed (an attribute value may hold '>'), else group "bad" matches.
_PREFIX = rb"(?:[^\s<>/=\"':]*:)?"
_ATTRIBUTES = rb"((?:\s+[^\s<>/=\"']+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"


def _element_pattern(names: bytes) -> re.Pattern[bytes]:
    return re.compile(
        rb"<(/?)" + _PREFIX + rb"(" + names + rb")(?=[\s/>])(?:" + _ATTRIBUTES + rb"|(?P<bad>))"
    )


def _part_text(
    content: bytes, entry: zipfile.ZipInfo, limits: SheetLimits, budget: _Budget
) -> Iterator[bytes]:
    """One zip part's markup as UTF-8, within its limits, in pieces that never split a tag."""
    return _tags(
        _utf8(_part_chunks(content, entry, limits, budget), entry.filename), entry.filename
    )


def _elements(
    pattern: re.Pattern[bytes], text: bytes, entry: zipfile.ZipInfo
) -> Iterator[tuple[bytes, bytes, bytes, bytes]]:
    """Each of `pattern`'s elements in `text` as (closing, name, attributes, empty); a malformed
    tag means the part is damaged."""
    for match in pattern.finditer(text):
        if match.group("bad") is not None:
            raise _damaged(entry.filename)
        closing, name, attributes, empty = match.group(1, 2, 3, 4)
        yield closing, name, attributes, empty


_XLSX_ELEMENTS = _element_pattern(rb"c|row|dimension|sheetData|si")
_ATTRIBUTE = re.compile(rb"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REFERENCE = re.compile(rb"([A-Za-z]{1,4})([0-9]{1,10})")
_ROW_NUMBER = re.compile(rb"[0-9]{1,10}")


def _attributes(text: bytes) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for match in _ATTRIBUTE.finditer(text):
        key = match.group(1)
        if key in found:
            raise ValueError("repeated attribute")
        found[key] = match.group(2) if match.group(2) is not None else match.group(3)
    return found


def _number(text: bytes) -> int:
    if _ROW_NUMBER.fullmatch(text) is None:
        raise ValueError("not a number")
    return int(text)


def _cell_position(reference: bytes) -> tuple[int, int]:
    """(row, column), both 1-based, of a reference such as 'XFD200000'."""
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        raise ValueError("unreadable reference")
    return int(match.group(2)), _column_number(match.group(1))


def _xlsx_sheet_names(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Zip part → the sheet's name, for messages (best effort: every part is scanned anyway)."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    try:
        workbook_info = archive.getinfo("xl/workbook.xml")
        rels_info = archive.getinfo("xl/_rels/workbook.xml.rels")
        if workbook_info.file_size > 8 * CHUNK_BYTES or rels_info.file_size > 8 * CHUNK_BYTES:
            return {}
        workbook = ElementTree.fromstring(archive.read(workbook_info))
        rels = ElementTree.fromstring(archive.read(rels_info))
    except Exception:  # noqa: BLE001 - names are only for messages; the scan does not need them
        return {}
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id") or ""] = path
    found: dict[str, str] = {}
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next(
            (value for key, value in element.attrib.items() if key.rsplit("}", 1)[-1] == "id"),
            "",
        )
        if rel_id in targets:
            found[targets[rel_id]] = element.get("name") or ""
    return found


def _sheet_label(name: str) -> str:
    return f"Sheet '{name[:60]}'" if name else "A sheet of this workbook"


def _beyond(label: str, verb: str, rows: int, columns: int, limits: SheetLimits) -> str:
    return (
        f"{label} {verb} column {column_letters(columns)} and row {rows:,}: more than Widen "
        f"reads (at most {limits.max_columns:,} columns, {limits.max_rows:,} rows and "
        f"{limits.max_cells:,} cells in all). {limits.advice}"
    )


def _check_extent(label: str, verb: str, rows: int, columns: int, limits: SheetLimits) -> None:
    if rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:
        raise WorkbookTooBigError(_beyond(label, verb, rows, columns, limits))


# The quick scan, for sheets as spreadsheet programs write them: every cell tag starts
# `<c r="A1"`. Anything else (a prefix, cells with no `r`, odd markup) is scanned tag by tag.
_CELL_STARTS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_CELL_WITH_REFERENCE = re.compile(rb'<c r="([A-Za-z]{1,4})([0-9]{1,10})"')
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_PREFIXED = re.compile(rb":(?:c|si|dimension|sheetData)[\s/>]")
_DIMENSION = re.compile(
    rb'<dimension ref="([A-Za-z]{1,4}[0-9]{1,10}(?::[A-Za-z]{1,4}[0-9]{1,10})?)"'
)


def _check_xml_part(
    content: bytes, entry: zipfile.ZipInfo, sheet: str, limits: SheetLimits, budget: _Budget
) -> None:
    """Every cell of an XLSX part, the quick way: the furthest row and column are the largest
    in the cells' references."""
    label = _sheet_label(sheet)
    cells = strings = far_row = far_column = 0
    seen_letters: set[bytes] = set()
    for text in _part_text(content, entry, limits, budget):
        declared = text.count(b"<dimension")
        dimensions = _DIMENSION.findall(text) if declared else []
        if len(dimensions) != declared or _PREFIXED.search(text):
            _check_xml_part_exactly(
                content, entry, sheet, limits, _Budget(limits.max_uncompressed_bytes)
            )
            return
        for dimension in dimensions:
            row, column = _cell_position(dimension.split(b":")[-1])
            _check_extent(label, "says it runs to", row, column, limits)
        strings += text.count(b"<si")
        if strings > limits.max_cells:
            raise _too_many_strings(limits)
        count = sum(map(text.count, _CELL_STARTS))
        if not count:
            continue
        references = _CELL_WITH_REFERENCE.findall(text)
        if len(references) != count:
            _check_xml_part_exactly(
                content, entry, sheet, limits, _Budget(limits.max_uncompressed_bytes)
            )
            return
        cells += count
        if cells > limits.max_cells:
            raise _too_many_cells(label, limits)
        seen_letters.update(map(_FIRST, references))
        far_row = max(far_row, max(map(int, map(_SECOND, references))))
        far_column = max(_column_number(letter) for letter in seen_letters)
        _check_extent(label, "runs to", far_row, far_column, limits)


def _column_number(letters: bytes) -> int:
    column = 0
    for letter in letters.upper():
        column = column * 26 + letter - 64
    return column


def _too_many_strings(limits: SheetLimits) -> WorkbookTooBigError:
    return WorkbookTooBigError(
        f"This workbook holds more than {limits.max_cells:,} different texts: more than Widen "
        f"reads. {limits.advice}"
    )


def _too_many_cells(label: str, limits: SheetLimits) -> WorkbookTooBigError:
    return WorkbookTooBigError(
        f"{label} holds more than {limits.max_cells:,} cells: more than Widen reads. "
        f"{limits.advice}"
    )


def _check_xml_part_exactly(
    content: bytes, entry: zipfile.ZipInfo, sheet: str, limits: SheetLimits, budget: _Budget
) -> None:
    """Every cell of an XLSX worksheet part, tag by tag (any part holding `sheetData` is
    treated as one), placing cells with no `r` as a reader does."""
    label = _sheet_label(sheet)
    in_data = False
    row = 0  # the current row, counted from 0 as the reader does; cells without `r` are in it
    column = 0  # the last column used in the current row, from 1
    last_row = last_column = cells = strings = 0
    for text in _part_text(content, entry, limits, budget):
        for closing, name, attributes, empty in _elements(_XLSX_ELEMENTS, text, entry):
            if closing:
                if name == b"row" and in_data:
                    row += 1
                    column = 0
                continue
            try:
                values = _attributes(attributes)
                if name == b"si":
                    strings += 1
                    if strings > limits.max_cells:
                        raise _too_many_strings(limits)
                elif name == b"dimension" and not in_data:
                    reference = values.get(b"ref", b"A1").split(b":")[-1]
                    far_row, far_column = _cell_position(reference)
                    _check_extent(label, "says it runs to", far_row, far_column, limits)
                elif name == b"sheetData":
                    in_data = True
                elif name == b"row" and in_data:
                    # As the reader counts: a row's `r` sets the row, and each row's end moves
                    # to the next. A self-closing row is skipped by the reader; taken here as
                    # the furthest it could mean.
                    number = _number(values[b"r"]) - 1 if b"r" in values else None
                    if empty:
                        row = max(row, number + 1) if number is not None else row + 1
                    elif number is not None:
                        row = number
                    column = 0
                elif name == b"c" and in_data:
                    if b"r" in values:
                        cell_row, cell_column = _cell_position(values[b"r"])
                        # A self-closing cell is skipped by the reader: it cannot move back.
                        column = max(column, cell_column) if empty else cell_column
                    else:
                        cell_row, column = row + 1, column + 1
                    last_row = max(last_row, cell_row)
                    last_column = max(last_column, column)
                    if not empty:  # a self-closing cell holds nothing and is not kept
                        cells += 1
                        if cells > limits.max_cells:
                            raise _too_many_cells(label, limits)
            except (KeyError, ValueError, AttributeError) as error:
                raise _damaged(entry.filename) from error
            _check_extent(label, "runs to", last_row, max(last_column, 1), limits)
    if in_data:
        _check_extent(label, "runs to", last_row, max(last_column, 1), limits)


_ODS_ELEMENTS = _element_pattern(rb"table|table-row|table-cell|covered-table-cell")
_ODS_VALUE_ATTRIBUTES = (
    b"office:value-type",
    b"office:value",
    b"table:formula",
    b"calcext:value-type",
)


@dataclass
class _OdsTable:
    name: str
    row: int = 0  # rows so far, repeats counted
    last_row: int = 0  # the last row holding something, repeats counted
    last_column: int = 0
    row_repeats: int = 1
    column: int = 0  # columns so far in the current row
    row_last_column: int = 0


def _repeats(values: dict[bytes, bytes], key: bytes) -> int:
    for name, value in values.items():
        if name.rsplit(b":", 1)[-1] == key:
            return _number(value.strip())
    return 1


def _check_ods(
    content: bytes, entry: zipfile.ZipInfo, limits: SheetLimits, budget: _Budget
) -> None:
    """Every table of an OpenDocument spreadsheet, repeated rows and columns expanded as a
    reader expands them: up to the last cell that holds something."""
    stack: list[_OdsTable] = []
    for text in _part_text(content, entry, limits, budget):
        for closing, name, attributes, empty in _elements(_ODS_ELEMENTS, text, entry):
            try:
                values = {} if closing else _attributes(attributes)
                if name == b"table":
                    if closing:
                        if stack:
                            done = stack.pop()
                            _check_extent(
                                _sheet_label(done.name),
                                "runs to",
                                done.last_row,
                                max(done.last_column, 1),
                                limits,
                            )
                        continue
                    table_name = next(
                        (v for k, v in values.items() if k.rsplit(b":", 1)[-1] == b"name"), b""
                    )
                    stack.append(_OdsTable(name=table_name.decode("utf-8", "replace")))
                    if empty:
                        stack.pop()
                    continue
                if not stack:
                    continue
                table = stack[-1]
                if name == b"table-row":
                    if closing:
                        table.row += table.row_repeats
                        if table.row_last_column:
                            table.last_row = table.row
                            table.last_column = max(table.last_column, table.row_last_column)
                        table.row_repeats = 1
                        continue
                    table.row_repeats = _repeats(values, b"number-rows-repeated")
                    table.column = table.row_last_column = 0
                    if empty:
                        table.row += table.row_repeats
                        table.row_repeats = 1
                    continue
                if closing:
                    continue
                repeats = _repeats(values, b"number-columns-repeated")
                table.column += repeats
                holds_something = not empty or any(key in values for key in _ODS_VALUE_ATTRIBUTES)
                if holds_something:
                    table.row_last_column = table.column
            except (KeyError, ValueError, AttributeError) as error:
                raise _damaged(entry.filename) from error
            if table.row_last_column:
                _check_extent(
                    _sheet_label(table.name),
                    "runs to",
                    table.row + table.row_repeats,
                    max(table.last_column, table.row_last_column),
                    limits,
                )
    for table in stack:
        _check_extent(
            _sheet_label(table.name), "runs to", table.last_row, max(table.last_column, 1), limits
        )
