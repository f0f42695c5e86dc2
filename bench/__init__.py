"""Dera's benchmarks and audits: ``make bench`` (or ``python -m bench``)."""
