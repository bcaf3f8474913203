"""Badges: what a badge says (content.py), its PDF and PNG (pdf.py, with typeset.py fitting its
text and qr.py choosing the QR code's mask), print runs of many badges as a background task
(print_runs.py), and their pages (views.py)."""
