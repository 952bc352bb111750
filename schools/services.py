"""Writes for the AMU catalogue."""

from django.db import transaction

from accounts.models import AuditEvent, User
from accounts.services import audit_record
from schools.models import AmuCourse, Fkb


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
