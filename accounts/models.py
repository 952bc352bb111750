from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in. Roles come from memberships, never from fields here."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class SchoolRole(models.TextChoices):
    LEADER = "leader", _("School leader")
    COORDINATOR = "coordinator", _("Coordinator")
    TEACHER = "teacher", _("Teacher")
    CONSULTANT = "consultant", _("Consultant")


class CompanyRole(models.TextChoices):
    HR = "hr", _("HR")
    MANAGER = "manager", _("Manager")


class SchoolMembership(TimeStampedModel):
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="school_memberships",
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=SchoolRole.choices)

    class Meta:
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="unique_school_membership"
            )
        ]
        indexes = [models.Index(fields=["role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.school}"


class CompanyMembership(TimeStampedModel):
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="company_memberships",
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=CompanyRole.choices)

    class Meta:
        verbose_name = _("company membership")
        verbose_name_plural = _("company memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "role"], name="unique_company_membership"
            )
        ]
        indexes = [models.Index(fields=["role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.company}"
