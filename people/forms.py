"""Forms for the people pages. They validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from .importing import MAX_IMPORT_BYTES
from .models import Team
from .roles import ROLE_HELP, Role


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, f"{role.label}: {ROLE_HELP[role]}") for role in Role]


class PersonForm(forms.Form):
    """Adding a person (with a username) or changing one (``adding=False``: the username stays as it is;
    ``with_role=False`` for administrators, whose role is given in the admin)."""

    name = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(
        max_length=254, help_text="Their invitation goes here, and later any password reset links."
    )
    username = forms.CharField(
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text="What they sign in with. Suggested from the email address; letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(choices=_role_choices, widget=forms.RadioSelect, initial=Role.AGENT)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Entries written for a team are asked of its members.",
    )

    def __init__(self, *args, adding: bool = True, with_role: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.order_by("name")
        if not adding:
            del self.fields["username"]
        if not with_role:
            del self.fields["role"]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    slug = forms.SlugField(
        max_length=60,
        help_text=(
            "Names the team in entries' audiences and in import files. Suggested from the name; it cannot "
            "change once the team is made."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, *args, renaming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if renaming:
            del self.fields["slug"]


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    invite = forms.BooleanField(required=False, label="Email each new person an invitation to choose their password")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB. Split it into smaller files.")
        return upload


class ImportConfirmForm(forms.Form):
    """Names the previewed file, so that a second preview opened meanwhile is not the one imported."""

    digest = forms.CharField(widget=forms.HiddenInput)
