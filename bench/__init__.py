"""Benchmark of repository context: index time and peak memory on synthetic repositories."""
