"""Programmes (named target populations, required courses, targets and deadlines) and institutions with head counts."""
