"""Evaluation of the authenticity marts: against the generator's truth and real labelled data."""
