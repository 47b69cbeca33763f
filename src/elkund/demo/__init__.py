"""Demo data: a fictional grid with parties, customers, installations and years of meter values.

``load_demo`` fills an empty database (``elkund demo``); see ``loader`` for what it creates.
"""

from elkund.demo.loader import DemoSummary, load_demo

__all__ = ["DemoSummary", "load_demo"]
