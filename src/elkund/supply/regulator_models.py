"""regulator_models (tables filled in by their issue-6 part)."""

from __future__ import annotations
