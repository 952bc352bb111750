"""Writes for companies, contacts, groups and employees."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from accounts.services import audit_record
from companies.importing import ImportRow
from companies.models import Company, Contact, Employee, EmployeeCertificate, EmployeeGroup
from schools.models import School


def _save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def company_create(*, by: User, registered_by: School | None, **fields) -> Company:
    company = _save(Company(registered_by=registered_by), **fields)
    audit_record(action=AuditEvent.Action.CREATED, actor=by, target=company)
    return company


@transaction.atomic
def company_update(*, company: Company, by: User, **fields) -> Company:
    changed = sorted(k for k, v in fields.items() if getattr(company, k) != v)
    _save(company, **fields)
    if changed:
        audit_record(
            action=AuditEvent.Action.UPDATED, actor=by, target=company, data={"fields": changed}
        )
    return company


def contact_create(*, company: Company, **fields) -> Contact:
    return _save(Contact(company=company), **fields)


def contact_update(*, contact: Contact, **fields) -> Contact:
    return _save(contact, **fields)


def contact_delete(*, contact: Contact) -> None:
    contact.delete()


def employee_group_create(*, company: Company, **fields) -> EmployeeGroup:
    return _save(EmployeeGroup(company=company), **fields)


def employee_group_update(*, group: EmployeeGroup, **fields) -> EmployeeGroup:
    return _save(group, **fields)


def employee_create(*, company: Company, **fields) -> Employee:
    return _save(Employee(company=company), **fields)


def employee_update(*, employee: Employee, **fields) -> Employee:
    return _save(employee, **fields)


@transaction.atomic
def employee_set_active(*, employee: Employee, active: bool, by: User) -> Employee:
    """Deactivate (or bring back) an employee; their history stays."""
    if employee.active != active:
        employee.active = active
        employee.save(update_fields=["active", "updated_at"])
        audit_record(
            action=AuditEvent.Action.UPDATED,
            actor=by,
            target=employee,
            data={"fields": ["active"], "active": active},
        )
    return employee


@transaction.atomic
def employees_import(*, company: Company, rows: list[ImportRow], by: User) -> dict[str, int]:
    """Write every row or none: create missing groups, add new employees and update
    those whose name matches an existing one. Rows must have been checked."""
    if any(row.errors for row in rows):
        raise ValueError("Rows with errors cannot be imported.")
    groups = {g.name.lower(): g for g in company.employee_groups.all()}
    existing = {e.name.strip().lower(): e for e in company.employees.all()}
    created = updated = new_groups = 0
    for row in rows:
        group = None
        if row.group:
            group = groups.get(row.group.lower())
            if group is None:
                group = employee_group_create(company=company, name=row.group)
                groups[row.group.lower()] = group
                new_groups += 1
        fields = {
            "name": row.name,
            "job_title": row.job_title,
            "group": group,
            "education_level": row.education_level,
            "email": row.email,
            "active": True,
        }
        employee = existing.get(row.name.lower())
        if employee is None:
            employee_create(company=company, **fields)
            created += 1
        else:
            employee_update(employee=employee, **fields)
            updated += 1
    summary = {"created": created, "updated": updated, "groups": new_groups}
    audit_record(action=AuditEvent.Action.IMPORTED, actor=by, target=company, data=summary)
    return summary


def blackout_week_add(*, company: Company, iso_year: int, iso_week: int, note: str = ""):
    from companies.models import BlackoutWeek

    week, _ = BlackoutWeek.objects.update_or_create(
        company=company, iso_year=iso_year, iso_week=iso_week, defaults={"note": note}
    )
    return week


def blackout_week_remove(*, week) -> None:
    week.delete()


@transaction.atomic
def certificate_add(*, employee: Employee, by: User, **fields) -> EmployeeCertificate:
    """Record a certificate an employee holds; without an expiry date it takes the type's
    validity (or never expires)."""
    certificate = EmployeeCertificate(employee=employee, **fields)
    if certificate.expires_on is None and certificate.issued_on and certificate.type_id:
        certificate.expires_on = certificate.type.expiry_from(certificate.issued_on)
    certificate.full_clean()
    certificate.save()
    audit_record(action=AuditEvent.Action.CREATED, actor=by, target=certificate)
    return certificate


@transaction.atomic
def certificate_remove(*, certificate: EmployeeCertificate, by: User) -> None:
    audit_record(
        action=AuditEvent.Action.UPDATED,
        actor=by,
        target=certificate.employee,
        data={"certificate_removed": str(certificate.type), "issued": str(certificate.issued_on)},
    )
    certificate.delete()


@transaction.atomic
def certificates_import(*, company: Company, rows: list, by: User) -> dict[str, int]:
    """Add checked certificate rows (companies.certificate_import) to the records of the
    company's employees; rows already on a record are skipped. All or nothing."""
    import datetime as dt

    from companies.models import CertificateType

    types = {t.pk: t for t in CertificateType.objects.filter(pk__in={r.type_id for r in rows})}
    employees = set(company.employees.values_list("pk", flat=True))
    added = skipped = 0
    for row in rows:
        issued = dt.date.fromisoformat(row.issued)
        if row.employee_id not in employees or row.type_id not in types:
            raise ValidationError(
                _("An employee or certificate type of the file is gone. Upload it again.")
            )
        certificate_type = types[row.type_id]
        _row, created = EmployeeCertificate.objects.get_or_create(
            employee_id=row.employee_id,
            type=certificate_type,
            issued_on=issued,
            defaults={
                "expires_on": dt.date.fromisoformat(row.expires)
                if row.expires
                else certificate_type.expiry_from(issued),
                "source": EmployeeCertificate.Source.IMPORTED,
                "note": row.note,
            },
        )
        added += created
        skipped += not created
    summary = {"added": added, "skipped": skipped}
    audit_record(
        action=AuditEvent.Action.IMPORTED,
        actor=by,
        target=company,
        data={"certificates": summary},
    )
    return summary
