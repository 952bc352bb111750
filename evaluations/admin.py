from django.contrib import admin

from evaluations.models import Answer, Conclusion, Invitation, Question, Questionnaire, Response


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title_da", "kind", "school", "version", "is_current"]
    list_filter = ["kind", "is_current", "school"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["kind", "course_block", "company", "opens_on", "expires_on", "answered_at"]
    list_filter = ["kind"]
    list_select_related = ["course_block", "company"]
    raw_id_fields = ["course_block", "company", "partnership", "enrollment", "recipient"]
    exclude = ["token"]  # a secret link; never shown, not even to administrators


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "score", "not_relevant", "text"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["kind", "course_block", "company", "submitted_at"]
    list_filter = ["kind"]
    list_select_related = ["course_block", "company"]
    readonly_fields = [f.name for f in Response._meta.fields]
    inlines = [AnswerInline]


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = ["partnership", "updated_by", "updated_at"]
    raw_id_fields = ["partnership"]
