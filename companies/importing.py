"""Reading an employee list from CSV or XLSX and checking every row before anything
is written. The service (companies.services.employees_import) writes all or nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from companies.models import Company, EducationLevel
from core import tables
from core.tables import ImportFileError

__all__ = ["ImportFileError", "check_rows", "read_table"]

MAX_ROWS = 5000
HEADINGS = {
    "name": {"name", "navn", "fulde navn", "full name"},
    "job_title": {"job title", "job_title", "stilling", "stillingsbetegnelse", "title"},
    "group": {"group", "gruppe", "medarbejdergruppe", "employee group"},
    "education_level": {
        "education level",
        "education_level",
        "education",
        "uddannelsesniveau",
        "uddannelse",
    },
    "email": {"email", "e-mail", "mail", "arbejdsmail", "work e-mail"},
}
LEVEL_WORDS = {
    EducationLevel.UNSKILLED: {"unskilled", "ufaglært", "ufaglaert", "ingen", "none"},
    EducationLevel.SKILLED: {"skilled", "faglært", "faglaert", "erhvervsuddannelse", "eud"},
    EducationLevel.SHORT_HIGHER: {"short_higher", "kvu", "kort videregående", "short higher"},
    EducationLevel.MEDIUM_HIGHER: {"medium_higher", "mvu", "mellemlang videregående", "bachelor"},
    EducationLevel.LONG_HIGHER: {"long_higher", "lvu", "lang videregående", "master", "kandidat"},
    EducationLevel.UNKNOWN: {"unknown", "ukendt", ""},
}


@dataclass
class ImportRow:
    line: int
    name: str
    job_title: str
    group: str
    education_level: str
    email: str
    errors: list[str] = field(default_factory=list)
    action: str = "new"  # "new" or "update"
    new_group: bool = False

    def as_data(self) -> dict:
        return {
            "name": self.name,
            "job_title": self.job_title,
            "group": self.group,
            "education_level": self.education_level,
            "email": self.email,
        }


def read_table(upload) -> list[list[str]]:
    """The employee file's rows, bounded by the import limits while it is read."""
    return tables.read_table(upload, max_rows=MAX_ROWS)


def _columns(heading: list[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(heading):
        key = title.strip().lower()
        for column, names in HEADINGS.items():
            if key in names and column not in found:
                found[column] = index
    if "name" not in found:
        raise ImportFileError(
            _("The first row must hold the column headings, including a name column (navn).")
        )
    return found


def education_level_from(text: str) -> str | None:
    key = text.strip().lower()
    labels = {str(label).lower(): value for value, label in EducationLevel.choices}
    if key in labels:
        return labels[key]
    for level, words in LEVEL_WORDS.items():
        if key in words:
            return level
    return None


def check_rows(company: Company, table: list[list[str]]) -> list[ImportRow]:
    """Every data row with its errors; raises ImportFileError for the whole file."""
    table = [row for row in table if any(cell for cell in row)]
    if len(table) < 2:
        raise ImportFileError(_("The file has no employees below the heading row."))
    columns = _columns(table[0])
    existing: dict[str, list[int]] = {}
    for pk, name in company.employees.values_list("pk", "name"):
        existing.setdefault(name.strip().lower(), []).append(pk)
    groups = {name.lower() for name in company.employee_groups.values_list("name", flat=True)}
    seen: dict[str, int] = {}
    rows = []
    for line, cells in enumerate(table[1:], start=2):

        def cell(column, cells=cells):
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else ""

        row = ImportRow(
            line=line,
            name=cell("name"),
            job_title=cell("job_title"),
            group=cell("group"),
            education_level=cell("education_level"),
            email=cell("email"),
        )
        _check_row(row, seen, existing, groups)
        rows.append(row)
    return rows


def _check_row(row: ImportRow, seen: dict, existing: dict, groups: set) -> None:
    key = row.name.lower()
    if not row.name:
        row.errors.append(_("The name is missing."))
    elif len(row.name) > 200:
        row.errors.append(_("The name is longer than 200 characters."))
    elif key in seen:
        row.errors.append(_("The same name is on line %(line)s.") % {"line": seen[key]})
    else:
        seen[key] = row.line
    if len(existing.get(key, [])) > 1:
        row.errors.append(_("Several employees already have this name; edit them by hand."))
    row.action = "update" if key in existing else "new"
    if len(row.job_title) > 200:
        row.errors.append(_("The job title is longer than 200 characters."))
    if len(row.group) > 200:
        row.errors.append(_("The group name is longer than 200 characters."))
    row.new_group = bool(row.group) and row.group.lower() not in groups
    level = education_level_from(row.education_level)
    if level is None:
        row.errors.append(
            _("Unknown education level “%(value)s”; use e.g. ufaglært, faglært, KVU, MVU, LVU.")
            % {"value": row.education_level}
        )
    else:
        row.education_level = level
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(
                _("“%(value)s” is not a valid e-mail address.") % {"value": row.email}
            )
