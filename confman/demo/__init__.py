"""The demo conference and the scale events for the benchmarks, seeded in one place: it sits
above every app (project wiring) and may import any of them."""
