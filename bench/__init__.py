"""Benchmarks that print the performance ratios of DESIGN.md, measured in one run.

Run from the project root: ``python -m bench``. Each figure is one line
``<name>: ratio=<number> (goal >= <number>)``; context lines start with ``#``.
"""
