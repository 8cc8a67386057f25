"""The one write path of the benefits, by topic: payouts.py (rates, payouts and their steps, THT claims),
receipts.py (kuitansi numbers and PDFs), batches.py (preparing many payouts in Celery)."""
