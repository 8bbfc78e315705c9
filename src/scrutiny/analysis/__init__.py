"""Judgments computed once per request: each measure's figures, comparisons, significance,
SPC verdict and sentences, typed, for every output to read."""
