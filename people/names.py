"""People's names as the app shows and stores them: one space between words, first name and the rest."""


def tidy_name(name: str) -> str:
    return " ".join(name.split())


def split_name(name: str) -> tuple[str, str]:
    """First name and the rest, as the demo and the admin store them; ``get_full_name`` joins them back."""
    first, _, last = tidy_name(name).partition(" ")
    return first, last


def full_name(person) -> str:
    return tidy_name(person.get_full_name())
