from django import forms
from django.utils import timezone

from policies.models import Channel, Entry

from .models import FeedbackStatus, Source


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
    entry = forms.ModelChoiceField(queryset=Entry.objects.none(), required=False, empty_label="None yet")
    text = forms.CharField(label="What they said", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, manual, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(manual=manual).order_by("title")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")


class ImportConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)


class StatusForm(forms.Form):
    """An item's status and, when the board sends it, the slug of the entry it is about (empty: none yet)."""

    status = forms.ChoiceField(choices=FeedbackStatus.choices)
    entry = forms.CharField(required=False, max_length=100)
