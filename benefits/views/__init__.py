"""The benefits' staff pages, by topic: payouts.py (payouts, prepare, THT, hand-over), documents.py
(receipts and recaps)."""
