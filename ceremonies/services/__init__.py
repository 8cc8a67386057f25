"""The one write path of the ceremonies, by topic: events.py (events, agenda, participants, the day),
invitations.py (invitations and their answers)."""
