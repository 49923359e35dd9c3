"""Benchmarks of claimsite on synthetic reviews (`make bench`, or `python -m benchmarks.run`)."""
