from django import forms
from django.utils import timezone

from policies.models import Channel, Entry

from .models import FeedbackStatus, Source


class EntryTitleField(forms.CharField):
    """An entry of the manual typed as its title (any case) or its web address (slug), in a box that suggests the
    live entries' titles as you type (the ``feedback/_entry_titles.html`` datalist). Cleans to the ``Entry``, or
    None when left empty; a title no entry has is an error naming what was typed. The form sets ``manual``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"list": "entry-titles", "autocomplete": "off", "class": "feedback-entry",
                                   "placeholder": "Type an entry's title"}),
        )  # fmt: skip
        super().__init__(**kwargs)
        self.manual = None

    def clean(self, value):
        typed = " ".join((super().clean(value) or "").split())
        if not typed:
            return None
        entries = Entry.objects.filter(manual=self.manual)
        entry = (
            entries.filter(title__iexact=typed).order_by("-live_version").first() or entries.filter(slug=typed).first()
        )
        if entry is None:
            raise forms.ValidationError(f"No entry is called “{typed}”. Pick one of the titles suggested as you type.")
        return entry


class SendForm(forms.Form):
    text = forms.CharField(
        label="Suggest a change",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is unclear, missing or wrong? The managers read every suggestion.",
    )


class RecordForm(forms.Form):
    source = forms.ChoiceField(
        choices=[(Source.CUSTOMER, Source.CUSTOMER.label), (Source.COMPLAINT, Source.COMPLAINT.label),
                 (Source.SURVEY, Source.SURVEY.label), (Source.EMPLOYEE, Source.EMPLOYEE.label)],
    )  # fmt: skip
    channel = forms.ChoiceField(choices=[("", "Not known")] + list(Channel.choices), required=False)
    received_on = forms.DateField(label="Received on", widget=forms.DateInput(attrs={"type": "date"}))
    customer_reference = forms.CharField(
        label="Customer reference", max_length=100, required=False, help_text="A case or order number, if any."
    )
    entry = EntryTitleField(label="Entry", required=False, help_text="The entry it is about, if any: type its title.")
    text = forms.CharField(label="What they said", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, manual, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["entry"].manual = manual


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")


class ImportConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)


class StatusForm(forms.Form):
    """An item's status and, when the board sends it, the entry it is about (empty: none yet).

    The entry is typed as its title (the board suggests the live entries' titles as you type); its web address
    (slug) is taken too. ``cleaned_data["entry"]`` is the ``Entry`` or None.
    """

    status = forms.ChoiceField(choices=FeedbackStatus.choices)
    entry = EntryTitleField(required=False)

    def __init__(self, *args, manual, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].manual = manual
