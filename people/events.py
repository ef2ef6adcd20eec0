"""What happens to people that other apps react to. Sent inside the transaction that records it."""

from django.dispatch import Signal

# A person is sent an invitation: person, title, body, url, key. The notifications app stores it as a
# notification with the same transaction and emails it once the transaction commits.
person_invited = Signal()
