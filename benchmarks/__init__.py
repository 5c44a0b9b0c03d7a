"""Benchmarks: a synthetic data generator and the performance table (`python -m benchmarks.run`)."""
