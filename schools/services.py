"""Writes for the AMU catalogue."""

from django.db import transaction

from accounts.models import AuditEvent, User
from accounts.services import audit_record
from schools.models import AeTarget, AmuCourse, Fkb, FundingRate


@transaction.atomic
def catalogue_import(*, rows: list[dict], by: User) -> dict[str, int]:
    """Create or update AMU courses and FKBs from checked rows; all or nothing."""
    created = updated = 0
    fkbs = {f.code: f for f in Fkb.objects.all()}
    for row in rows:
        fkb = fkbs.get(row["fkb_code"])
        if fkb is None:
            fkb = Fkb.objects.create(code=row["fkb_code"], title=row["fkb_title"])
            fkbs[fkb.code] = fkb
        elif row["fkb_title"] and fkb.title != row["fkb_title"]:
            fkb.title = row["fkb_title"]
            fkb.save(update_fields=["title", "updated_at"])
        course, was_created = AmuCourse.objects.update_or_create(
            number=row["number"],
            defaults={
                "title": row["title"],
                "duration_days": row["days"],
                "fkb": fkb,
                "active": True,
                "is_sample": False,
            },
        )
        course.full_clean()
        created += was_created
        updated += not was_created
    summary = {"created": created, "updated": updated}
    audit_record(action=AuditEvent.Action.IMPORTED, actor=by, data={"catalogue": summary})
    return summary


@transaction.atomic
def funding_rate_save(*, rate: FundingRate | None = None, by: User, **fields) -> FundingRate:
    """Add a year's rates (`rate` None) or change them. Every figure of that year
    follows at once: figures read the rates at each request and never copy them."""
    created = rate is None
    rate = rate or FundingRate()
    changes = {
        name: [str(getattr(rate, name)) if not created else None, str(value)]
        for name, value in fields.items()
        if created or getattr(rate, name) != value
    }
    for name, value in fields.items():
        setattr(rate, name, value)
    rate.full_clean()
    rate.save()
    audit_record(
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.UPDATED,
        actor=by,
        target=rate,
        data={"changes": changes},
    )
    return rate


@transaction.atomic
def ae_targets_save(*, year: int, targets: list[tuple], by: User) -> int:
    """Set one year's targets, `(school, department or None, target or None)` each; None
    removes a target. All or nothing; returns how many targets changed."""
    existing = {
        (t.school_id, t.department_id): t
        # Locks the year's rows only (the model's ordering joins the nullable department,
        # which PostgreSQL cannot lock).
        for t in AeTarget.objects.select_for_update(of=("self",))
        .filter(school__in={school for school, _department, _target in targets}, year=year)
        .order_by("pk")
    }
    changes = []
    for school, department, target in targets:
        row = existing.get((school.pk, department.pk if department else None))
        if row is not None and target is None:
            row.delete()
        elif row is None and target is not None:
            row = AeTarget(school=school, department=department, year=year, target=target)
            row.full_clean()
            row.save()
        elif row is not None and row.target != target:
            row.target = target
            row.full_clean()
            row.save(update_fields=["target", "updated_at"])
        else:
            continue
        changes.append(
            {
                "school": school.pk,
                "department": department.pk if department else None,
                "target": None if target is None else str(target),
            }
        )
    if changes:
        audit_record(
            action=AuditEvent.Action.UPDATED,
            actor=by,
            data={"ae_targets": {"year": year, "changes": changes}},
        )
    return len(changes)
