"""Normalisation: statements folded into one learning record per learner and catalogue course."""
