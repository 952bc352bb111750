"""The questionnaires that ship with the product (installed by a data migration).

Kept as plain data so the migration does not import models. Scale questions run from 1
to 5 with labelled ends; `theme` feeds the indices (see selectors.INDEX_DEFINITIONS).
"""

NOT_AT_ALL = ("Slet ikke", "Not at all")
VERY_MUCH = ("I meget høj grad", "To a very high degree")
POOR = ("Meget dårligt", "Very poor")
VERY_GOOD = ("Meget godt", "Very good")


def scale(key, theme, da, en, low=NOT_AT_ALL, high=VERY_MUCH):
    return {
        "key": key,
        "type": "scale",
        "theme": theme,
        "text_da": da,
        "text_en": en,
        "low_da": low[0],
        "low_en": low[1],
        "high_da": high[0],
        "high_en": high[1],
    }


def text(key, da, en, theme=""):
    return {"key": key, "type": "text", "theme": theme, "text_da": da, "text_en": en}


QUESTIONNAIRES = {
    "motivation": {
        "title_da": "Inden kurset",
        "title_en": "Before the course",
        "intro_da": "Dine svar hjælper underviseren med at tilrettelægge kurset. "
        "Det tager et par minutter.",
        "intro_en": "Your answers help the teacher plan the course. It takes a couple of minutes.",
        "questions": [
            scale(
                "motivation",
                "motivation",
                "Hvor motiveret er du for at deltage i kurset?",
                "How motivated are you to take part in the course?",
            ),
            scale(
                "purpose_clear",
                "motivation",
                "Ved du, hvad du skal bruge kurset til i dit arbejde?",
                "Do you know what you will use the course for in your work?",
            ),
            text("why", "Hvorfor skal du på kurset?", "Why are you taking the course?"),
            text("expectations", "Hvad forventer du af kurset?", "What do you expect from it?"),
            text(
                "want_to_do",
                "Hvad vil du gerne kunne bagefter?",
                "What do you want to be able to do afterwards?",
            ),
        ],
    },
    "follow_up": {
        "title_da": "Evaluering af kurset",
        "title_en": "Course evaluation",
        "intro_da": "Fortæl os, hvordan kurset gik. Svarene vises kun samlet, aldrig med dit navn.",
        "intro_en": "Tell us how the course went. Answers are only shown together, "
        "never with your name.",
        "questions": [
            scale(
                "learned",
                "outcome",
                "Hvor meget har du lært på kurset?",
                "How much did you learn on the course?",
            ),
            scale(
                "can_use",
                "outcome",
                "I hvilken grad kan du bruge det, du har lært, i dit arbejde?",
                "To what degree can you use what you learned in your work?",
            ),
            scale(
                "teacher",
                "teaching",
                "Hvordan var underviseren?",
                "How was the teacher?",
                POOR,
                VERY_GOOD,
            ),
            scale(
                "form",
                "teaching",
                "Hvordan passede undervisningens form (praksis, teori, gruppearbejde) til dig?",
                "How did the form of teaching (practice, theory, group work) suit you?",
                POOR,
                VERY_GOOD,
            ),
            scale(
                "content",
                "teaching",
                "Hvordan var kursets indhold?",
                "How was the content of the course?",
                POOR,
                VERY_GOOD,
            ),
            text("use_first", "Hvad vil du bruge først?", "What will you use first?"),
            text("comments", "Andre kommentarer", "Other comments"),
        ],
    },
    "effect": {
        "title_da": "Hvad bruger du fra kurset?",
        "title_en": "What do you use from the course?",
        "intro_da": "Det er et par måneder siden kurset. Vi vil gerne vide, om det har gjort en "
        "forskel i dit arbejde.",
        "intro_en": "The course was a couple of months ago. We would like to know whether it "
        "made a difference in your work.",
        "questions": [
            scale(
                "use_often",
                "transfer",
                "Hvor ofte bruger du det, du lærte på kurset?",
                "How often do you use what you learned on the course?",
                ("Aldrig", "Never"),
                ("Dagligt", "Every day"),
            ),
            scale(
                "work_differently",
                "transfer",
                "I hvilken grad arbejder du anderledes efter kurset?",
                "To what degree do you work differently after the course?",
            ),
            text(
                "what_differently",
                "Hvad gør du nu anderledes i dit arbejde?",
                "What do you now do differently at work?",
            ),
            text(
                "obstacles",
                "Hvad har gjort det svært at bruge det, du lærte?",
                "What has made it hard to use what you learned?",
            ),
        ],
    },
    "company": {
        "title_da": "Virksomhedens evaluering",
        "title_en": "The company's evaluation",
        "intro_da": "Som HR eller leder ser I, om uddannelsen gør en forskel i arbejdet.",
        "intro_en": "As HR or a manager you see whether the training makes a difference at work.",
        "questions": [
            scale(
                "served_goals",
                "company_benefit",
                "I hvilken grad har uddannelsen tjent målene i kompetenceplanen?",
                "To what degree did the training serve the goals of the competence plan?",
            ),
            scale(
                "observed_change",
                "company_benefit",
                "I hvilken grad ser I en forandring i medarbejdernes arbejde?",
                "To what degree do you see a change in the employees' work?",
            ),
            text("changes", "Hvilke forandringer har I set?", "What changes have you seen?"),
            text(
                "next_time",
                "Hvad skal vi gøre anderledes næste gang?",
                "What should we do differently next time?",
            ),
        ],
    },
}


def install(questionnaire_model, question_model) -> None:
    """Create the default questionnaires (version 1) if they are missing."""
    for kind, data in QUESTIONNAIRES.items():
        if questionnaire_model.objects.filter(kind=kind, school=None).exists():
            continue
        questionnaire = questionnaire_model.objects.create(
            kind=kind,
            school=None,
            version=1,
            is_current=True,
            **{k: v for k, v in data.items() if k != "questions"},
        )
        for position, question in enumerate(data["questions"]):
            question_model.objects.create(
                questionnaire=questionnaire,
                position=position,
                allow_not_relevant=question["type"] == "scale",
                **question,
            )
