"""First run of a real installation: the first school and an invitation for its leader,
without any demo data. The leader then invites everyone else in the product."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import SchoolRole
from people.services import invitation_create, invitation_url
from schools.models import School


class Command(BaseCommand):
    help = "Create a school and e-mail its first leader an invitation (prints the link too)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The school's full name.")
        parser.add_argument("--short-name", required=True, help="A short name, e.g. 'AMU Syd'.")
        parser.add_argument("--leader-email", required=True)
        parser.add_argument("--leader-first-name", required=True)
        parser.add_argument("--leader-last-name", default="")
        parser.add_argument("--city", default="")
        parser.add_argument(
            "--language", default="da", choices=["da", "en"], help="Of the invitation e-mail."
        )

    def handle(self, *args, **options):
        name, short_name = options["name"].strip(), options["short_name"].strip()
        email = options["leader_email"].strip()
        if not name or not short_name or len(short_name) > 20 or len(name) > 200:
            raise CommandError("Give a name (at most 200 characters) and a short name (20).")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        if (
            School.objects.filter(name=name).exists()
            or School.objects.filter(short_name=short_name).exists()
        ):
            raise CommandError(f"A school called {name!r} or {short_name!r} exists already.")
        with transaction.atomic():
            school = School.objects.create(name=name, short_name=short_name, city=options["city"])
            try:
                outcome = invitation_create(
                    by=None,
                    organisation=school,
                    email=email,
                    first_name=options["leader_first_name"],
                    last_name=options["leader_last_name"],
                    role=SchoolRole.LEADER,
                    language=options["language"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {school.name}."))
        if outcome.added_to_existing:
            self.stdout.write(f"{email} already had a login and is now the school's leader.")
            return
        self.stdout.write(
            f"An invitation was e-mailed to {email}. If the e-mail does not arrive, give them "
            f"this link (it works once, for the days set in INVITATION_VALID_DAYS):"
        )
        self.stdout.write(invitation_url(outcome.token))
