"""Measures: indicator definitions as Ibis expressions over the canonical tables."""
