"""The review form: Ny granskning from a template, and Redigera uppgifter of an existing one.

One form serves both, so a field added later shows up in both places. The form only parses
what was typed (dates, the list of auditors); whether the fields can be saved is decided by
``ReviewFields.problems()`` in the domain, and the store refuses anything else.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static, TextArea

from kvtui.domain.reviews import ReviewDetail, ReviewFields, parse_date, split_auditors
from kvtui.domain.templates import TemplateError
from kvtui.paths import templates_dir
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import as_typed
from kvtui.store.reviews import create_review, update_review
from kvtui.store.template_library import (
    SHIPPED_SOURCE,
    TemplateInfo,
    TemplateNotFound,
    list_templates,
    load_template,
)
from kvtui.tui.dialogs.form import MASKED_NOTICE
from kvtui.tui.dialogs.unsaved import TextDialog
from kvtui.tui.widgets.idnumber_guard import FieldGuard, GuardedTextArea
from kvtui.tui.widgets.select import Select

# (widget id, label, placeholder) of the one-line fields, in the order they are filled in.
TEXT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", "Titel", "t.ex. Kvalitetsgranskning av familjevården 2026"),
    ("unit", "Enhet", "den granskade verksamheten"),
    ("municipality", "Kommun", ""),
    ("committee", "Nämnd", "t.ex. Socialnämnden"),
    ("diary-number", "Diarienummer", "t.ex. SN 2026/0147"),
    ("auditors", "Granskare", "namn, skilj med kommatecken"),
    ("period-start", "Period från", "ÅÅÅÅ-MM-DD"),
    ("period-end", "Period till", "ÅÅÅÅ-MM-DD"),
)
AREA_FIELDS: tuple[tuple[str, str], ...] = (
    ("purpose", "Syfte"),
    ("scope", "Omfattning och avgränsningar"),
)


def _template_label(info: TemplateInfo) -> str:
    label = f"{info.title} ({info.version})" if info.version else info.title
    if info.source != SHIPPED_SOURCE:
        label += " – egen mall"
    return label


class ReviewFormScreen(TextDialog[str]):
    """Creates a review (no ``detail``) or edits one; dismisses with its id, or None.

    Nothing is written until Ctrl+S, and nothing at all when a field is wrong: the problems
    are listed under the form in Swedish and the auditor corrects them in place. A
    personnummer is masked at the first Ctrl+S (the second saves), or kept on Ctrl+G.
    Esc with anything typed asks Spara / Släng / Fortsätt, and what is typed is kept as a
    draft until then (``TextDialog``).
    """

    DRAFT_TITLE = "Ny granskning"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="form.save"),
        Binding("escape", "cancel", "Avbryt", id="form.cancel"),
        # The app's F1 has priority and also works here; this one shows it in the footer.
        Binding("f1", "app.help", "Hjälp", id="form.help"),
        Binding("ctrl+g", "not_an_id", "Inte personnummer", show=False, id="form.not_an_id"),
    ]

    def __init__(self, store: Store, detail: ReviewDetail | None = None) -> None:
        super().__init__()
        self._store = store
        self._detail = detail
        self._templates: list[TemplateInfo] = []
        self._bad_dates: dict[str, str] = {}
        self.guard = FieldGuard(self)

    @property
    def editing(self) -> bool:
        """Whether the form edits an existing review rather than creating one."""
        return self._detail is not None

    def compose(self) -> ComposeResult:
        heading = "Redigera uppgifter" if self._detail else "Ny granskning"
        with Vertical(id="form-box", classes="dialog-box"):
            yield Static(heading, id="form-heading", classes="box-title")
            with VerticalScroll(id="form-fields"):
                yield from self._compose_template()
                for field_id, label, placeholder in TEXT_FIELDS:
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        yield Input(
                            self._initial_text(field_id),
                            placeholder=placeholder,
                            id=field_id,
                            compact=True,
                            classes="form-input",
                        )
                for field_id, label in AREA_FIELDS:
                    yield Label(label, classes="form-area-label")
                    yield GuardedTextArea(
                        self._initial_text(field_id),
                        id=field_id,
                        soft_wrap=True,
                        tab_behavior="focus",
                        compact=True,
                        classes="form-area",
                    )
            # Messages quote what was typed, so never read them as markup.
            yield Static("", id="form-errors", markup=False)
        yield Footer()

    def _compose_template(self) -> ComposeResult:
        if self._detail is not None:
            summary = self._detail.summary
            with Horizontal(classes="form-row"):
                yield Label("Mall", classes="form-label")
                yield Static(
                    f"{summary.template_title} (version {self._detail.template_version})",
                    id="template-fixed",
                    markup=False,
                )
            return
        self._templates = list_templates(templates_dir(self._store.path))
        usable = [info for info in self._templates if not info.error]
        broken = [info for info in self._templates if info.error]
        with Horizontal(classes="form-row form-row-select"):
            yield Label("Mall", classes="form-label")
            yield Select(
                [(_template_label(info), info.name) for info in usable],
                prompt="Välj mall",
                allow_blank=not usable,
                id="template",
            )
        if broken:
            names = ", ".join(info.name for info in broken)
            yield Static(
                f"Egna mallar med fel, som inte kan användas: {names}. "
                "Kommandot kvtui templates show NAMN visar felen.",
                id="template-broken",
                classes="form-note",
                markup=False,
            )

    def _initial_text(self, field_id: str) -> str:
        if self._detail is None:
            return ""
        fields = self._detail.fields
        values = {
            "title": fields.title,
            "unit": fields.unit,
            "municipality": fields.municipality,
            "committee": fields.committee,
            "diary-number": fields.diary_number,
            "auditors": ", ".join(fields.auditors),
            "period-start": fields.period_start.isoformat() if fields.period_start else "",
            "period-end": fields.period_end.isoformat() if fields.period_end else "",
            "purpose": fields.purpose,
            "scope": fields.scope,
        }
        return values[field_id]

    def draft_title(self) -> str:
        """As the form's heading says."""
        return "Redigera uppgifter" if self._detail else "Ny granskning"

    def draft_subject(self) -> str:
        """The review edited, or "ny"."""
        return self._detail.summary.id if self._detail is not None else "ny"

    def on_mount(self) -> None:
        self.query_one("#form-errors", Static).display = False
        first = "#title" if self.editing else "#template"
        self.query_one(first).focus()

    def _values(self) -> dict[str, str]:
        values = {field_id: self.query_one(f"#{field_id}", Input).value for field_id, *_ in
                  TEXT_FIELDS}
        for field_id, _label in AREA_FIELDS:
            values[field_id] = self.query_one(f"#{field_id}", TextArea).text
        return values

    def _parse_date(self, field_id: str, label: str, problems: list[str]) -> date | None:
        widget = self.query_one(f"#{field_id}", Input)
        text = widget.value.strip()
        widget.remove_class("-bad")
        self._bad_dates.pop(field_id, None)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as error:
            widget.add_class("-bad")
            self._bad_dates[field_id] = widget.value
            problems.append(f"{label}: {error}")
            return None

    def _read_fields(self) -> tuple[ReviewFields, list[str]]:
        """The typed fields and every problem with them, parsing and domain rules together."""
        values = self._values()
        problems: list[str] = []
        start = self._parse_date("period-start", "Period från", problems)
        end = self._parse_date("period-end", "Period till", problems)
        fields = ReviewFields(
            title=values["title"],
            unit=values["unit"],
            municipality=values["municipality"],
            committee=values["committee"],
            diary_number=values["diary-number"],
            auditors=tuple(split_auditors(values["auditors"])),
            period_start=start,
            period_end=end,
            purpose=values["purpose"].strip(),
            scope=values["scope"].strip(),
        )
        problems.extend(fields.problems())
        return fields, problems

    def show_problems(self, problems: list[str]) -> None:
        """List what is wrong under the form, where it stays visible while scrolling."""
        errors = self.query_one("#form-errors", Static)
        errors.update("\n".join(problems))
        errors.display = bool(problems)

    def _text_fields(self) -> list[Input | GuardedTextArea]:
        return [*(self.query_one(f"#{field_id}", Input) for field_id, *_ in TEXT_FIELDS[:6]),
                *(self.query_one(f"#{field_id}", GuardedTextArea)
                  for field_id, _label in AREA_FIELDS)]

    def action_not_an_id(self) -> None:
        """Ctrl+G: asks whether what was marked or masked is not a personnummer; on yes,
        saves it as typed."""
        self.guard.ask_and_accept(self._text_fields(), self.action_save)

    def action_save(self) -> None:
        """Save if every field is right; otherwise say what is wrong and write nothing."""
        if self._store.read_only:
            self.show_problems(["Databasen är öppnad skrivskyddad; inget kan sparas."])
            return
        if self.guard.mask(self._text_fields()):
            self.show_problems([MASKED_NOTICE, FieldGuard.NOTICE])
            return
        fields, problems = self._read_fields()
        if problems:
            self.show_problems(problems)
            return
        try:
            review_id = self._save(fields)
        except (InvalidInput, NotFound, TemplateNotFound) as error:
            self.show_problems([str(error)])
            return
        except TemplateError as error:
            self.show_problems(["Mallen kan inte användas:", *str(error).splitlines()])
            return
        self.show_problems([])
        self.dismiss(review_id)

    def _save(self, fields: ReviewFields) -> str:
        with as_typed(self.guard.accepted), self._store.session() as session:
            if self._detail is not None:
                update_review(session, self._detail.summary.id, fields)
                return self._detail.summary.id
            name = self.query_one("#template", Select).value
            if not isinstance(name, str):
                raise InvalidInput("Välj en mall.")
            template, text = load_template(name, templates_dir(self._store.path))
            return create_review(session, template, text, fields)

    @on(Input.Changed, "#period-start, #period-end")
    def _clear_bad_mark(self, event: Input.Changed) -> None:
        # Once the auditor edits a date marked wrong, the mark has done its job.
        field_id = event.input.id or ""
        if field_id in self._bad_dates and event.value != self._bad_dates[field_id]:
            event.input.remove_class("-bad")
            del self._bad_dates[field_id]
