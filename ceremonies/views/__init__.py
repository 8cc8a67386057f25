"""The ceremonies' pages, by topic: events.py (staff pages), invitations.py (the public answer page and the
send button), documents.py (PDFs and spreadsheets)."""
