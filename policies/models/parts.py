"""Structured parts of an entry, versioned with its text: a protocol's scripts per channel and situation, and a
service standard's measurable targets.

Both are lists of small mappings stored as JSON on the entry and on each published version. They are checked
here, whichever way they arrive (the editor's forms, the import, the admin), with messages that name the part.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .channels import CHANNEL_ORDER, Channel

MAX_SCRIPTS = 40
MAX_TARGETS = 20
SCRIPT_KEYS = ("channel", "situation", "text")
TARGET_KEYS = ("metric", "channel", "comparison", "value", "unit", "period")

# The situations offered for each channel; any other name may be typed.
SITUATIONS = {
    Channel.IN_PERSON: ("Greeting", "Waiting", "Handing over", "Closing", "Escalation"),
    Channel.PHONE: ("Greeting", "Hold", "Transfer", "Closing", "Escalation"),
    Channel.VIDEO: ("Greeting", "Hold", "Transfer", "Closing", "Escalation"),
    Channel.EMAIL: ("Reply: first answer", "Reply: apology", "Reply: closing the case"),
    Channel.WRITTEN: ("Letter: reply to a complaint", "Letter: apology", "Letter: final response"),
    Channel.CHAT: ("Macro: greeting", "Macro: holding", "Macro: closing"),
    Channel.SOCIAL: ("Public reply", "Private reply"),
}
COMPARISONS = {"within": "within", "at_least": "at least", "at_most": "at most"}


def validate_scripts(value) -> None:
    """Each script: a channel, a situation (greeting, hold, a reply template's name...) and its words, with
    one script per channel and situation."""
    if not isinstance(value, list):
        raise ValidationError("The scripts must be a list.")
    if len(value) > MAX_SCRIPTS:
        raise ValidationError(f"At most {MAX_SCRIPTS} scripts in one entry.")
    seen = set()
    for number, script in enumerate(value, start=1):
        if not isinstance(script, dict) or set(script) != set(SCRIPT_KEYS):
            raise ValidationError(f"Script {number} needs a channel, a situation and its text.")
        if script["channel"] not in CHANNEL_ORDER:
            raise ValidationError(f"Script {number}: choose a channel from {', '.join(CHANNEL_ORDER)}.")
        situation, text = script["situation"], script["text"]
        if not isinstance(situation, str) or not situation.strip() or len(situation) > 80:
            raise ValidationError(f"Script {number}: name its situation, in at most 80 characters.")
        if not isinstance(text, str) or not text.strip() or len(text) > 4000:
            raise ValidationError(f"Script {number} ({situation}): write its words, in at most 4,000 characters.")
        key = (script["channel"], situation.strip().casefold())
        if key in seen:
            raise ValidationError(f"Script {number}: there is already a “{situation}” script for that channel.")
        seen.add(key)


def validate_targets(value) -> None:
    """Each target: what is measured, on which channel (or all), within / at least / at most a number, its
    unit, and the period it is measured over."""
    if not isinstance(value, list):
        raise ValidationError("The targets must be a list.")
    if len(value) > MAX_TARGETS:
        raise ValidationError(f"At most {MAX_TARGETS} targets in one standard.")
    for number, target in enumerate(value, start=1):
        if not isinstance(target, dict) or set(target) != set(TARGET_KEYS):
            raise ValidationError(f"Target {number} needs a metric, channel, comparison, value, unit and period.")
        metric = target["metric"]
        if not isinstance(metric, str) or not metric.strip() or len(metric) > 120:
            raise ValidationError(f"Target {number}: say what is measured, in at most 120 characters.")
        if target["channel"] and target["channel"] not in CHANNEL_ORDER:
            raise ValidationError(f"Target {number}: choose a channel from {', '.join(CHANNEL_ORDER)}, or none.")
        if target["comparison"] not in COMPARISONS:
            raise ValidationError(f"Target {number}: the comparison must be one of {', '.join(COMPARISONS)}.")
        if parse_number(target["value"]) is None:
            raise ValidationError(f"Target {number} ({metric}): the target value must be a number, like 4 or 90.")
        for name, limit in (("unit", 40), ("period", 60)):
            if not isinstance(target[name], str) or len(target[name]) > limit:
                raise ValidationError(f"Target {number}: the {name} is text of at most {limit} characters.")
        if not target["unit"].strip():
            raise ValidationError(f"Target {number} ({metric}): give the unit, like minutes, hours or %.")


def parse_number(value) -> Decimal | None:
    """A target value as a number (4, 4.5, "90"), or None if it is not one or is negative."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number >= 0 else None


def format_number(value) -> str:
    number = parse_number(value)
    if number is None:
        return str(value)
    text = format(number.normalize(), "f")
    return text


def target_phrase(target: dict) -> str:
    """"within 4 business hours", "at least 90%": the target as people say it."""
    unit = target["unit"].strip()
    value = format_number(target["value"])
    amount = f"{value}{unit}" if unit in ("%", "‰") else f"{value} {unit}"
    return f"{COMPARISONS[target['comparison']]} {amount}"


def script_groups(scripts) -> list[dict]:
    """Scripts by channel, in the manual's channel order and as written within a channel:
    ``[{"channel": "phone", "label": "Phone", "scripts": [...]}]``."""
    labels = dict(Channel.choices)
    groups: dict[str, list[dict]] = {}
    for script in scripts or []:
        groups.setdefault(script["channel"], []).append(script)
    return [
        {"channel": channel, "label": labels[channel], "scripts": groups[channel]}
        for channel in CHANNEL_ORDER
        if channel in groups
    ]


def target_rows(targets) -> list[dict]:
    """Targets as a table shows them: what is measured, the channel ("All channels" when none), the target in
    words and the period."""
    labels = dict(Channel.choices)
    return [
        {
            "metric": target["metric"],
            "channel": target.get("channel", ""),
            "channel_label": labels.get(target.get("channel", ""), "All channels"),
            "phrase": target_phrase(target),
            "period": target.get("period", ""),
        }
        for target in targets or []
    ]


class PartsMixin:
    """Scripts and targets shaped for the page, the print page and the PDF."""

    @property
    def script_groups(self) -> list[dict]:
        return script_groups(self.scripts)

    @property
    def target_rows(self) -> list[dict]:
        return target_rows(self.targets)


def targets_text(targets) -> str:
    """Targets as lines of text, for the reviewer's word diff."""
    return "\n".join(
        f"{r['metric']} ({r['channel_label']}): {r['phrase']}" + (f", {r['period']}" if r["period"] else "")
        for r in target_rows(targets)
    )


def scripts_text(scripts) -> str:
    """Scripts as text, one per paragraph, for the reviewer's word diff."""
    return "\n\n".join(
        f"{group['label']} · {script['situation']}: {script['text']}"
        for group in script_groups(scripts)
        for script in group["scripts"]
    )
