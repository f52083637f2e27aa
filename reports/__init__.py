"""From statements to recognition: learners, the course catalogue, normalisation into learning records,
and the unified transcripts registrars pull."""
