"""Check-in at the door: a badge scanned at a desk, answered in a second.

- scan.py: the scan service, one write path for live and uploaded scans;
- offline.py: the list a desk keeps to work offline, and merging its queue when it is back;
- statistics.py: the check-in statistics (admitted, inside, per ticket, entrance and hour);
- api.py: scans, the offline list and uploads, and the statistics as JSON;
- views.py: the desk page and the statistics page."""
