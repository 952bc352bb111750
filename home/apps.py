from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The site's shell: the home page and the menu."""

    name = "home"
    verbose_name = _("Home")

    def ready(self):
        # The menu is decided at login (access.navigation); this app, at the top of the
        # layers, connects it so that access itself stays free of app loading.
        from django.contrib.auth.signals import user_logged_in

        from access.navigation import remember_menu

        user_logged_in.connect(remember_menu, dispatch_uid="access.navigation.remember_menu")
