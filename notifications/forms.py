from django import forms

from people.models import NotifyBy


class NotificationSettingsForm(forms.Form):
    notify_by = forms.ChoiceField(
        label="Email me",
        choices=NotifyBy.choices,
        widget=forms.RadioSelect,
        help_text="Notifications always appear in the app; this only decides the emails.",
    )
