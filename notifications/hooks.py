"""What other apps add to notifications without this app knowing them: notifications
sit low in the layers (every domain hands work to people through them), so the domains
register here, from their AppConfig.ready, what only they know.

- a daily reminder: ``@daily_reminder("blocks")`` on ``function(today) -> int`` (how many
  notifications it made); the beat task runs them all, in registration order;
- a file for the e-mail of some kinds: ``@attachment_for(kind, ...)`` on
  ``function(notification) -> (filename, content, mimetype) | None``.
"""

DAILY_REMINDERS = {}
ATTACHMENTS = {}


def daily_reminder(name: str):
    def register(function):
        DAILY_REMINDERS[name] = function
        return function

    return register


def attachment_for(*kinds):
    def register(function):
        for kind in kinds:
            ATTACHMENTS[kind.name] = function
        return function

    return register


def attachment(notification):
    function = ATTACHMENTS.get(notification.kind)
    return function(notification) if function else None
