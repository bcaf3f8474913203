"""The cyclic garbage collector, tuned for a server process (bench/checkin.py, flat out on SQLite,
for the young generation; bench/live_fanout.py for the full collections)."""

import gc

# Each request leaves about a hundred objects in reference cycles: collect the young ones every
# 5,000 allocations (a collection then takes 2-3 ms, not tens), full collections as rarely as
# before, since they walk every live-page socket a process holds.
THRESHOLDS = (5_000, 10, 100)


def tune() -> None:
    """Freeze what the process loaded at start out of the collector's sight, and set the
    thresholds. Call once, after the URLconf is loaded."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
