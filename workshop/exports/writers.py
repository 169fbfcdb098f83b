"""The file formats: one CSV writer (the zip and the registration list), the XLSX workbook, and the
one entry point that renders any format for the routes and the CLI.

CSV and XLSX are made for Finnish Excel, a file format and not UI text: UTF-8 with a BOM, ";" between
fields, CRLF lines, and datetimes as fixed `dd.mm.yyyy HH.MM` text (CSV) or real datetime cells shown
as `dd.mm.yyyy hh:mm` (XLSX), whatever the user's language. Cells a spreadsheet would run as a
formula get a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import datetime

from workshop.exports import report
from workshop.exports.document import gc_paused, to_json
from workshop.exports.tables import Table, registration_table, tables

MIMETYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
EXTENSIONS = {"csv": "csv.zip", "xlsx": "xlsx", "json": "json", "html": "html", "pdf": "pdf"}
CSV_DATETIME = "%d.%m.%Y %H.%M"  # as Finnish Excel reads a date and time typed into a cell
XLSX_DATETIME = "dd.mm.yyyy hh:mm"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


def neutralise(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe (CSV/formula injection).

    Checked after NFKC too: a spreadsheet may fold full-width "＝", "＋", "－", "＠" into the ASCII ones.
    """
    if isinstance(value, str) and (value.startswith(FORMULA_START)
                                   or unicodedata.normalize("NFKC", value[:4]).startswith(FORMULA_START)):
        return "'" + value
    return value


# --- CSV -----------------------------------------------------------------------------------------

def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME)
    return "" if value is None else neutralise(value)


def table_csv(table: Table) -> bytes:
    """One table as one CSV file: the only CSV writer of Paja."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def to_csv_zip(data: dict) -> bytes:
    """One CSV per table in a zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables(data):
            archive.writestr(f"{table.name}.csv", table_csv(table))
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------

def to_xlsx(data: dict, only: list[Table] | None = None) -> bytes:
    """The same tables as sheets: bold frozen header row, columns as wide as their content."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in (only if only is not None else tables(data)):
        sheet = book.create_sheet(SHEET_NAME_BAD.sub(" ", table.title)[:31])
        widths = [len(h) for h in table.headers]
        for row in table.rows[:500]:  # a sample is enough to size the columns
            for i, value in enumerate(row):
                size = 16 if isinstance(value, datetime) else len(str(value)) if value is not None else 0
                widths[i] = max(widths[i], min(size, MAX_WIDTH))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
        header = []
        for h in table.headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = XLSX_DATETIME
                elif isinstance(value, str) and len(value) > MAX_WIDTH:
                    cell = WriteOnlyCell(sheet, value=neutralise(value))
                    cell.alignment = wrap
                else:
                    cell = neutralise(value)
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- one entry point for the routes and the CLI --------------------------------------------------

@gc_paused
def render(data: dict, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv_zip(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "json":
        return to_json(data)
    if fmt == "html":
        return report.render_report(data, standalone=True).encode("utf-8")
    if fmt == "pdf":
        return report.to_pdf(data)
    raise ValueError(fmt)


def render_registrations(data: dict, fmt: str) -> bytes:
    """The organiser's registration list alone, as CSV or XLSX."""
    table = registration_table(data)
    return table_csv(table) if fmt == "csv" else to_xlsx(data, [table])


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "workshop"


def filename(data: dict, fmt: str) -> str:
    """e.g. paja-2026-12-01-ita-lapin-paja-320.xlsx (the date and the municipality when there are)."""
    s = data["session"]
    parts = ["paja"]
    if s["starts_at"]:
        parts.append(s["starts_at"][:10])
    parts.append(slug(s["title"]))
    if data.get("municipality"):
        parts.append(slug(data["municipality"]))
    return "-".join(parts) + "." + EXTENSIONS[fmt]
