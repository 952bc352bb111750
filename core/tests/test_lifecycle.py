"""The state-machine helper shared by partnerships and competence plans."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.lifecycle import Lifecycle, Transition


def _lifecycle():
    def may(user, capability, obj):
        # Asked about the object itself (a rule may look at its school or company).
        return capability in user.capabilities and obj.title is not None

    return Lifecycle(
        [
            Transition(
                "submit",
                "Submit",
                frozenset({"draft"}),
                "submitted",
                "edit",
                (lambda o: None if o.title else "Give it a title.",),
                tone="primary",
            ),
            Transition(
                "reject",
                "Reject",
                frozenset({"submitted"}),
                "draft",
                "approve",
                tone="reject",
                comment_required="Say why.",
            ),
            Transition("archive", "Archive", frozenset({"draft", "submitted"}), None, "edit"),
        ],
        can=may,
        refused=lambda o: f"A {o.status} thing cannot do that.",
    )


def _obj(status="draft", title: str | None = "Plan"):
    return SimpleNamespace(status=status, title=title)


EDITOR = SimpleNamespace(capabilities={"edit"})
APPROVER = SimpleNamespace(capabilities={"approve"})


def test_available_follows_status_and_capability():
    lifecycle = _lifecycle()
    assert [t.name for t in lifecycle.available(_obj("draft"), EDITOR)] == ["submit", "archive"]
    assert [t.name for t in lifecycle.available(_obj("submitted"), EDITOR)] == ["archive"]
    assert [t.name for t in lifecycle.available(_obj("submitted"), APPROVER)] == ["reject"]
    assert lifecycle.available(_obj("draft"), APPROVER) == []


def test_a_step_the_status_does_not_allow_is_refused_with_the_models_message():
    with pytest.raises(ValidationError) as refused:
        _lifecycle().check(_obj("submitted"), "submit", by=EDITOR)
    assert refused.value.messages == ["A submitted thing cannot do that."]


def test_an_unknown_step_is_refused_like_a_wrong_status():
    with pytest.raises(ValidationError):
        _lifecycle().check(_obj(), "explode", by=EDITOR)


def test_without_the_capability_the_step_is_forbidden():
    with pytest.raises(PermissionDenied) as refused:
        _lifecycle().check(_obj("draft"), "submit", by=APPROVER)
    assert str(refused.value) == "Din rolle tillader ikke dette trin."


def test_the_rule_is_asked_about_the_object_itself():
    untitled = _obj(title=None)
    assert _lifecycle().available(untitled, EDITOR) == []
    with pytest.raises(PermissionDenied):
        _lifecycle().check(untitled, "submit", by=EDITOR)


def test_a_step_without_a_required_comment_needs_none():
    assert _lifecycle().check(_obj(), "submit", by=EDITOR).name == "submit"


def test_what_is_missing_is_said_and_nothing_passes():
    lifecycle = _lifecycle()
    with pytest.raises(ValidationError) as missing:
        lifecycle.check(_obj(title=""), "submit", by=EDITOR)
    assert missing.value.messages == ["Give it a title."]
    assert lifecycle.check(_obj(), "submit", by=EDITOR).target == "submitted"


@pytest.mark.parametrize(("comment", "passes"), [("", False), ("   ", False), ("Too long.", True)])
def test_a_step_that_must_say_why_needs_a_comment(comment, passes):
    lifecycle = _lifecycle()
    if passes:
        assert lifecycle.check(_obj("submitted"), "reject", by=APPROVER, comment=comment)
    else:
        with pytest.raises(ValidationError) as missing:
            lifecycle.check(_obj("submitted"), "reject", by=APPROVER, comment=comment)
        assert missing.value.messages == ["Say why."]


def test_a_comment_left_out_counts_as_none():
    with pytest.raises(ValidationError):
        _lifecycle().check(_obj("submitted"), "reject", by=APPROVER)


def test_an_unknown_tone_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown tone 'btn-success' for transition 'x'"):
        Transition("x", "X", frozenset({"a"}), "b", "edit", tone="btn-success")


def test_the_template_turns_tones_into_buttons():
    from core.templatetags.ui import transition_button

    lifecycle = _lifecycle()
    assert transition_button(lifecycle["submit"]) == "btn btn-primary"
    assert transition_button(lifecycle["reject"]) == "btn btn-outline-danger"
    assert transition_button(lifecycle["archive"]) == "btn btn-outline-primary"
