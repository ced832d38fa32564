"""Read-only research tools over a run's snapshot: what the model may look up before it plans."""
