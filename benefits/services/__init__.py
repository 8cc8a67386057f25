"""The one write path of the benefits, by topic: payouts.py (rates, payouts and their steps, THT claims),
tht_import.py (THT amounts from PT Taspen's spreadsheet), receipts.py (kuitansi numbers and PDFs),
batches.py (preparing many payouts in Celery)."""
