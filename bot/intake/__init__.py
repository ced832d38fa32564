"""The web tier's side: a signed delivery becomes a queued PlanRequest (no GitHub, no model)."""
