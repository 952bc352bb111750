from accounts.signals import SESSION_OVERVIEWS, SESSION_SCHOOL_STAFF


def navigation(request):
    """What the menu offers; decided at login and kept in the session (no query here)."""
    session = getattr(request, "session", None)
    return {
        "nav_school_staff": bool(session and session.get(SESSION_SCHOOL_STAFF)),
        "nav_overviews": (session.get(SESSION_OVERVIEWS) if session else None) or {},
    }
