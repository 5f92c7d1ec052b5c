"""Benchmarks: speed and memory figures (printed, recorded in docs/), never asserted in tests."""
