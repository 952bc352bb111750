from django.core.exceptions import ValidationError


def form_page_context(title, cancel_url, breadcrumbs, submit_label=None) -> dict:
    """What templates/_form_page.html needs around a form."""
    return {
        "page_title": title,
        "cancel_url": cancel_url,
        "breadcrumbs": breadcrumbs,
        "submit_label": submit_label,
    }


def add_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form
    has that field, otherwise above the form (a rule only the service can check, such as
    a uniqueness across fields the form does not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ServiceErrorsOnFormMixin:
    """For a FormView whose form_valid calls a service: the service's ValidationError is
    shown on the form again instead of answering 500."""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            return self.form_valid(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)


class FormPageMixin(ServiceErrorsOnFormMixin):
    """A FormView rendered with templates/_form_page.html: title, breadcrumbs, cancel."""

    template_name = "_form_page.html"
    page_title = ""
    submit_label = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **form_page_context(
                self.page_title, self.get_cancel_url(), self.get_breadcrumbs(), self.submit_label
            ),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return []

    def get_cancel_url(self):
        raise NotImplementedError
