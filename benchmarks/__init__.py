"""Benchmarks for Widen's heavy paths, run with `make bench` (`python -m benchmarks`).

Each section seeds a fresh database, times real requests and compares every figure with a
baseline measured in the same run. Nothing here asserts on wall-clock time.
"""
