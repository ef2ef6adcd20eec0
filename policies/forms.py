"""Forms for editing in the browser. They validate input; the services decide and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from people.models import Team
from people.selectors import team_choices

from .importexport.starter import starter_size
from .models import Channel, Entry, EntryKind, Manual, Section
from .roles import EDITORS, MANAGERS
from .slugs import entry_slug_problem, manual_slug_problem


class EntryForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=100, help_text="Part of the web address; letters, numbers and hyphens. Links use it as slug.md."
    )
    kind = forms.ChoiceField(choices=EntryKind.choices)
    section = forms.ModelChoiceField(queryset=Section.objects.none(), empty_label=None)
    summary = forms.CharField(max_length=500, required=False, help_text="One or two sentences shown in the contents.")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
        required=False,
        help_text="Markdown. Link to another entry with [its title](its-slug.md).",
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple, help_text="Where this applies."
    )
    audience = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Applies to",
        help_text="The teams who must read and acknowledge it. None ticked: everyone.",
    )
    owned_by = forms.ChoiceField(
        label="Owner", choices=[], required=False, help_text="The person or team who answers for it."
    )
    owner = forms.CharField(
        max_length=200,
        required=False,
        label="Owner, if not listed",
        help_text="Anyone else, in words; shown as unassigned. Ignored when a person or team is chosen.",
    )
    review_every_months = forms.IntegerField(min_value=1, max_value=60, initial=12, label="Review every (months)")
    effective_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_note = forms.CharField(
        label="Note for the reviewer",
        widget=forms.Textarea(attrs={"rows": 2, "class": "short"}),
        max_length=2000,
        required=False,
        help_text="What changed and why. It is shown to the reviewer and suggested as the change summary.",
    )

    # Fields that are not the entry's own content.
    NOT_CONTENT = ("lock_version", "submission_note", "owned_by")

    def __init__(self, *args, manual: Manual, entry: Entry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.manual = manual
        self.entry = entry
        self.fields["section"].queryset = Section.objects.filter(manual=manual).order_by("order", "id")
        teams = team_choices()
        self.fields["audience"].choices = teams
        self.fields["owned_by"].choices = _owner_choices(teams, current=entry.owner_user_id if entry else None)
        if entry is not None:
            # Where an entry sits in the manual is arranged on the manual's organise page.
            del self.fields["section"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        problem = entry_slug_problem(self.manual, slug, entry=self.entry)
        if problem:
            raise forms.ValidationError(problem)
        return slug

    def clean_owned_by(self):
        """The chosen person or team, or None."""
        kind, _, key = (self.cleaned_data.get("owned_by") or "").partition(":")
        if kind == "user":
            return get_user_model().objects.filter(pk=key).first()
        if kind == "team":
            return Team.objects.filter(slug=key).first()
        return None

    def content(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.NOT_CONTENT}
        data["channels"] = [c for c in Channel.values if c in data.get("channels", [])]
        owned_by = self.cleaned_data.get("owned_by")
        data["owner_user"] = owned_by if isinstance(owned_by, get_user_model()) else None
        data["owner_team"] = owned_by if isinstance(owned_by, Team) else None
        if owned_by is not None:
            data["owner"] = ""  # the words were only standing in for the person or team now chosen
        return data

    @classmethod
    def initial_for(cls, entry: Entry) -> dict:
        return {
            "title": entry.title, "slug": entry.slug, "kind": entry.kind, "summary": entry.summary,
            "body": entry.body, "channels": entry.channels, "audience": entry.audience, "owner": entry.owner,
            "review_every_months": entry.review_every_months, "effective_date": entry.effective_date,
            "lock_version": entry.lock_version, "owned_by": _owner_value(entry),
        }  # fmt: skip


def _owner_value(entry: Entry) -> str:
    if entry.owner_user_id:
        return f"user:{entry.owner_user_id}"
    if entry.owner_team_id:
        return f"team:{entry.owner_team.slug}"
    return ""


def _owner_choices(teams: list[tuple[str, str]], *, current: int | None) -> list:
    """The owner select: active editors and managers first, then everyone else active, then the teams.

    ``current`` (the owner now) is listed even after they leave, so saving the form does not drop them.
    """
    User = get_user_model()
    writer = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=[EDITORS, MANAGERS])
    people = User.objects.filter(Q(is_active=True) | Q(pk=current)).annotate(writes=Exists(writer))
    writers, others = [], []
    for person in people:
        name = person.get_full_name().strip()
        label = f"{name} ({person.get_username()})" if name else person.get_username()
        if not person.is_active:
            label += ", no longer active"
        group = writers if person.writes or person.is_superuser else others
        group.append((label.casefold(), (f"user:{person.pk}", label)))
    choices: list = [("", "Not listed (write the owner below)")]
    for title, group in (("Editors and managers", writers), ("Other people", others)):
        if group:
            choices.append((title, [choice for _key, choice in sorted(group)]))
    if teams:
        choices.append(("Teams", [(f"team:{slug}", name) for slug, name in teams]))
    return choices


class ApproveForm(forms.Form):
    # The working copy the reviewer was shown: approval is refused if the text changed since.
    reviewed_lock_version = forms.IntegerField(widget=forms.HiddenInput)
    change_summary = forms.CharField(
        label="What changed and why", widget=forms.Textarea(attrs={"rows": 3, "class": "short"}), max_length=2000
    )
    is_material = forms.BooleanField(
        label="Material change (readers must acknowledge it again)", required=False, initial=True
    )


class RequestChangesForm(forms.Form):
    comment = forms.CharField(label="What needs to change", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RetireForm(forms.Form):
    reason = forms.CharField(
        label="Why it is retired", max_length=500, help_text="Shown in the history and the next release notes."
    )
    confirm = forms.BooleanField(
        label="I understand that readers will no longer see this entry.",
        error_messages={"required": "Tick the box to confirm."},
    )


class ReinstateForm(forms.Form):
    reason = forms.CharField(label="Why it comes back", max_length=500, required=False)


class DeleteDraftForm(forms.Form):
    confirm = forms.BooleanField(
        label="Delete this draft. It was never published; the deletion is kept in the history.",
        error_messages={"required": "Tick the box to confirm."},
    )


class ManualForm(forms.ModelForm):
    class Meta:
        model = Manual
        fields = ["title", "organisation", "mission", "vision", "channels", "require_second_approver", "ack_days"]
        widgets = {"mission": forms.Textarea(attrs={"rows": 4}), "vision": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "require_second_approver": "A draft must be approved by someone other than its last author. A manager "
            "who turns it off asks another manager, who approves it here; an administrator turns it off at once.",
        }

    channels = forms.MultipleChoiceField(
        label="Channels served",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="How customers reach you. The health check looks for a protocol for each.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ack_days"].required = False  # left out: keep what it is (14 for a new manual)
        self.initial.setdefault("channels", list(self.instance.channels or []))

    def clean_channels(self):
        chosen = self.cleaned_data.get("channels") or []
        return [c for c in Channel.values if c in chosen]

    def clean_ack_days(self):
        value = self.cleaned_data.get("ack_days")
        return value if value is not None else (self.instance.ack_days or 14)


class NewManualForm(ManualForm):
    STARTER, EMPTY = "starter", "empty"

    # The form offers the template first: a first manual written from a blank page is the hardest way in, and the
    # template's entries are drafts that nobody else sees until they are approved, or deleted. A post without the
    # choice (from a script, say) makes an empty manual, as it did before the template existed.
    start_with = forms.ChoiceField(label="Start with", initial=STARTER, widget=forms.RadioSelect, required=False)
    field_order = ["title", "slug", "organisation", "start_with"]

    class Meta(ManualForm.Meta):
        fields = ["title", "slug", *ManualForm.Meta.fields[1:]]
        help_texts = {
            **ManualForm.Meta.help_texts,
            "slug": "Part of the web address, e.g. customer-service. It cannot be changed later.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections, entries = starter_size()
        start_with = self.fields["start_with"]
        start_with.choices = [
            (self.STARTER, f"The starter template: {entries} draft entries in {sections} sections, to adapt"),
            (self.EMPTY, "An empty manual: you add the sections and write every entry"),
        ]
        start_with.help_text = (
            "The drafts cover conduct, refunds and compensation, problem solving and complaints, each channel, "
            "service standards, training and feedback. Your organisation's name is written in for "
            "[your company]. Mission, vision and channels you leave empty come from the template."
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        problem = manual_slug_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug

    def validate_unique(self):
        pass  # the slug's uniqueness is checked above, with a message that says what to do


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "slug", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, manual: Manual, **kwargs):
        super().__init__(*args, **kwargs)
        self.manual = manual

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        clash = Section.objects.filter(manual=self.manual, slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another section in this manual already uses this slug.")
        return slug


class QuestionForm(forms.Form):
    """One multiple-choice question of an entry's comprehension check: up to four answers, one right."""

    prompt = forms.CharField(label="Question", max_length=300, required=False)
    choice_1 = forms.CharField(label="Answer 1", max_length=200, required=False)
    choice_2 = forms.CharField(label="Answer 2", max_length=200, required=False)
    choice_3 = forms.CharField(label="Answer 3", max_length=200, required=False)
    choice_4 = forms.CharField(label="Answer 4", max_length=200, required=False)
    answer = forms.TypedChoiceField(
        label="The right answer", choices=[(str(i), f"Answer {i}") for i in range(1, 5)], coerce=int, required=False
    )

    def clean(self):
        data = super().clean()
        prompt = " ".join((data.get("prompt") or "").split())
        pairs = [(i, " ".join((data.get(f"choice_{i}") or "").split())) for i in range(1, 5)]
        choices = [text for _i, text in pairs if text]
        if not prompt and not choices:
            return data  # an empty block is simply not a question
        if not prompt:
            self.add_error("prompt", "Write the question.")
        if len(choices) < 2:
            self.add_error("choice_1", "Give at least two answers.")
        right = data.get("answer")
        if not right or not dict(pairs).get(right):
            self.add_error("answer", "Choose which answer is right (one that is filled in).")
        return data

    def question(self) -> dict | None:
        """The question as an entry stores it, or None for an empty block."""
        data = self.cleaned_data
        prompt = " ".join((data.get("prompt") or "").split())
        pairs = [(i, " ".join((data.get(f"choice_{i}") or "").split())) for i in range(1, 5)]
        kept = [(i, text) for i, text in pairs if text]
        if not prompt and not kept:
            return None
        return {
            "prompt": prompt,
            "choices": [text for _i, text in kept],
            "answer": [i for i, _text in kept].index(data["answer"]),
        }

    @staticmethod
    def initial_for(question: dict) -> dict:
        initial = {"prompt": question["prompt"], "answer": question["answer"] + 1}
        for i, text in enumerate(question["choices"][:4], start=1):
            initial[f"choice_{i}"] = text
        return initial


QuestionFormSet = forms.formset_factory(QuestionForm, extra=0, max_num=10, absolute_max=10)


class _WordFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class WordFilesField(forms.Field):
    """One or more uploaded files, unchecked: the Word import checks each itself, naming the file in every
    message (Django's FileField would refuse an empty file without saying which)."""

    widget = _WordFilesInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": "Choose at least one .docx file."})
        super().__init__(**kwargs)
        self.widget.attrs.setdefault(
            "accept", ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )

    def to_python(self, data):
        if not data:
            return []
        return list(data) if isinstance(data, (list, tuple)) else [data]


class WordImportForm(forms.Form):
    files = WordFilesField(label="Word files")
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(),
        empty_label=None,
        help_text="Where the new entries go; you can move them later.",
    )
    kind = forms.ChoiceField(choices=EntryKind.choices, initial=EntryKind.POLICY)

    def __init__(self, *args, manual: Manual, max_files: int, max_megabytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(manual=manual).order_by("order", "id")
        self.fields["files"].help_text = (
            f"One or more .docx files, up to {max_megabytes} MB each and {max_files} at a time. "
            "Each becomes a draft entry."
        )


# Shared values ------------------------------------------------------------------------------------------------

_MATERIAL_CHOICES = [
    ("yes", "Material: the entries’ readers are asked to acknowledge them again"),
    ("no", "Minor: nobody is asked again"),
]


class ValueCreateForm(forms.Form):
    label = forms.CharField(max_length=100, help_text="How people refer to it, such as “Refund window”.")
    name = forms.CharField(
        label="Name in entries",
        max_length=50,
        help_text="Lower-case letters, digits and underscores, such as refund_window. Entries write it as "
        "{{ refund_window }}. It cannot be changed later.",
    )
    value = forms.CharField(max_length=300, help_text="Plain text, as readers will see it, such as “30 days”.")


class ValueChangeForm(forms.Form):
    # The proposal the author started from: saving over someone else's newer one is refused.
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label="New value", max_length=300, help_text="Plain text, as readers will see it.")
    reason = forms.CharField(
        label="What changed and why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "short"}),
        help_text="Every entry’s new version carries it, after the old and new value.",
    )
    is_material = forms.ChoiceField(
        label="Is this a material change?", choices=_MATERIAL_CHOICES, widget=forms.RadioSelect, initial="yes"
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_value(self):
        value = " ".join(self.cleaned_data["value"].split())
        if value == self.current:
            raise forms.ValidationError("That is the value readers already see.")
        return value

    @property
    def material(self) -> bool:
        return self.cleaned_data.get("is_material") == "yes"


class ValueApproveForm(forms.Form):
    reviewed_lock_version = forms.IntegerField(widget=forms.HiddenInput)
    is_material = forms.ChoiceField(label="Material change?", choices=_MATERIAL_CHOICES, widget=forms.RadioSelect)
