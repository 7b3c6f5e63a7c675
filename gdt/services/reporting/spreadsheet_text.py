"""Text in CSV and XLSX files that a spreadsheet shows as text and never runs as a formula.

User-typed text (a partner's or category's name or key) could otherwise become a formula (OWASP "CSV injection"):
CSV cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading apostrophe, XLSX cells are stored as text with
Excel's quote prefix.
"""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RISKY_FIRST = frozenset((*FORMULA_START, " "))


def text_cell(cell, value: str):
    """A text cell that stays text: never a formula, shown with Excel's quote prefix when it looks like one."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters would make openpyxl refuse the workbook
    cell.value = text
    cell.data_type = "s"  # openpyxl stores a string starting with "=" as a formula otherwise
    if looks_like_formula(text):
        cell.quotePrefix = True  # Excel keeps it text even when someone edits the cell
    return cell


def looks_like_formula(value: str) -> bool:
    """Starts with `=`, `+`, `-`, `@`, tab or CR, also after leading spaces (some spreadsheets trim them)."""
    return value.lstrip(" ").startswith(FORMULA_START)


def safe_text(value: str) -> str:
    """A CSV text cell a spreadsheet will not run: a leading apostrophe when it looks like a formula."""
    if value[:1] in _RISKY_FIRST and looks_like_formula(value):  # the first test alone settles almost every cell
        return "'" + value
    return value
