"""Reading employees' certificates from CSV or XLSX and checking every row before
anything is written; companies.services.certificates_import writes all or nothing."""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import CertificateType, Company, EmployeeCertificate
from core import tables
from core.forms import DATE_YEARS
from core.tables import ImportFileError

MAX_ROWS = 5000
HEADINGS = {
    "employee": {"navn", "name", "medarbejder", "employee"},
    "email": {"e-mail", "email", "mail", "arbejdsmail", "work e-mail"},
    "certificate": {"certifikat", "certificate", "certifikattype", "type"},
    "issued": {"udstedt", "issued", "udstedelsesdato", "issue date"},
    "expires": {"udløber", "udloeber", "expires", "udløbsdato", "expiry date"},
    "note": {"note", "bemærkning", "nummer", "number"},
}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


@dataclass
class CertificateRow:
    line: int
    employee: str
    certificate: str
    issued: str
    expires: str = ""
    note: str = ""
    employee_id: int | None = None
    type_id: int | None = None
    errors: list[str] = field(default_factory=list)
    already: bool = False  # the same certificate is on the record: skipped

    def as_data(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "errors"}


def read_table(upload) -> list[list[str]]:
    return tables.read_table(upload, max_rows=MAX_ROWS)


def parse_date(text: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            value = dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        return value if value.year in DATE_YEARS else None
    return None


def _columns(heading: list[str]) -> dict[str, int]:
    found = {}
    for index, title in enumerate(heading):
        key = title.strip().lower()
        for column, names in HEADINGS.items():
            if key in names and column not in found:
                found[column] = index
    missing = [c for c in ("certificate", "issued") if c not in found]
    if missing or not ({"employee", "email"} & set(found)):
        raise ImportFileError(
            _(
                "The first row must hold the column headings: navn (or e-mail), "
                "certifikat and udstedt; udløber and note may follow."
            )
        )
    return found


def check_rows(company: Company, table: list[list[str]]) -> list[CertificateRow]:
    """Every row with its errors: the employee is found by e-mail, else by name, among the
    company's employees; the certificate type by name."""
    if not table:
        raise ImportFileError(_("The file is empty."))
    columns = _columns(table[0])
    if len(table) == 1:
        raise ImportFileError(_("The file has headings but no rows."))
    employees = list(company.employees.filter(anonymised_at__isnull=True))
    by_email, by_name = {}, {}
    for employee in employees:
        if employee.email:
            by_email.setdefault(employee.email.lower(), []).append(employee)
        by_name.setdefault(employee.name.strip().lower(), []).append(employee)
    types = {t.name.strip().lower(): t for t in CertificateType.objects.all()}
    held = set(
        EmployeeCertificate.objects.filter(employee__company=company).values_list(
            "employee_id", "type_id", "issued_on"
        )
    )
    today = timezone.localdate()
    seen = set()
    rows = []
    for line, cells in enumerate(table[1:], start=2):

        def cell(column, cells=cells):
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row = CertificateRow(
            line=line,
            employee=cell("employee") or cell("email"),
            certificate=cell("certificate"),
            issued=cell("issued"),
            expires=cell("expires"),
            note=cell("note")[:200],
        )
        email, name = cell("email").lower(), cell("employee").lower()
        matches = by_email.get(email, []) if email else by_name.get(name, [])
        if not (email or name):
            row.errors.append(_("Give the employee's name or e-mail."))
        elif not matches:
            row.errors.append(
                _("%(who)s is not an employee of the company.") % {"who": row.employee}
            )
        elif len(matches) > 1:
            row.errors.append(
                _("Several employees are called %(who)s: give their e-mail.")
                % {"who": row.employee}
            )
        else:
            row.employee_id = matches[0].pk
        certificate_type = types.get(row.certificate.lower())
        if certificate_type is None:
            row.errors.append(
                _("Unknown certificate: %(name)s. Administrators add certificate types.")
                % {"name": row.certificate or "–"}
            )
        else:
            row.type_id = certificate_type.pk
        issued = parse_date(row.issued)
        expires = parse_date(row.expires) if row.expires else None
        if issued is None:
            row.errors.append(_("The issue date is missing or not a date (e.g. 31-01-2026)."))
        elif issued > today:
            row.errors.append(_("A certificate cannot be issued in the future."))
        if row.expires and expires is None:
            row.errors.append(_("The expiry date is not a date (e.g. 31-01-2028)."))
        if issued and expires and expires < issued:
            row.errors.append(_("The expiry date is before the issue date."))
        if not row.errors:
            row.issued = issued.isoformat()
            row.expires = expires.isoformat() if expires else ""
            key = (row.employee_id, row.type_id, issued)
            if key in seen:
                row.errors.append(_("The same certificate is on an earlier line."))
            seen.add(key)
            row.already = key in held
        rows.append(row)
    return rows
