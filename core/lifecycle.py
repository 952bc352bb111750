"""One small state machine for the lifecycles of partnerships and competence plans.

A `Lifecycle` holds the `Transition`s of one model: the states each leaves, the state it
enters, the capability it needs and what must be filled in first. It answers which steps
a user may take now (`available`) and checks one step before a service takes it
(`check`), refusing with a message the user can act on. What a step does besides
changing the status (who is told, what is recorded) stays in the domain's service.

How a step looks is the template's business: `tone` says what kind of step it is
("primary", "approve", "reject", "quiet" or "default"); the `transition_button` template
filter (core/templatetags/ui.py) turns it into a button style.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

TONES = ("default", "primary", "approve", "reject", "quiet")


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str | None  # None: the model decides (back to the status before a pause)
    capability: str
    # Each returns what is missing on the object (a message), or None.
    requirements: tuple[Callable[[object], str | None], ...] = field(default=())
    tone: str = "default"
    # Far-reaching steps ask first, on a page that says what will happen.
    confirm: bool = False
    # A step that must say why refuses without a comment, with this message.
    comment_required: Promise | None = None

    def __post_init__(self):
        if self.tone not in TONES:
            raise ValueError(f"Unknown tone {self.tone!r} for transition {self.name!r}")


class Lifecycle:
    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        can: Callable,
        refused: Callable[[object], str],
    ):
        """`can(user, capability, obj)` decides who may take a step; `refused(obj)` is
        the message for a step the object's current status does not allow."""
        self.transitions = {t.name: t for t in transitions}
        self._can = can
        self._refused = refused

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __iter__(self):
        return iter(self.transitions.values())

    def available(self, obj, user) -> list[Transition]:
        """The steps this user may start from the object's status (requirements are
        checked when the step is taken, so that its message can say what is missing)."""
        return [t for t in self if obj.status in t.sources and self._can(user, t.capability, obj)]

    def check(self, obj, name: str, *, by, comment: str = "") -> Transition:
        """The transition `name`, if `by` may take it now; otherwise ValidationError (a
        step the status does not allow, or what is missing) or PermissionDenied."""
        transition = self.transitions.get(name)
        if transition is None or obj.status not in transition.sources:
            raise ValidationError(self._refused(obj))
        if not self._can(by, transition.capability, obj):
            raise PermissionDenied(_("Your role does not allow this step."))
        missing = [message for check in transition.requirements if (message := check(obj))]
        if transition.comment_required and not comment.strip():
            missing.append(str(transition.comment_required))
        if missing:
            raise ValidationError(missing)
        return transition
