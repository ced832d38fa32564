"""The worker's side: one PlanRun per queued request, from config to published plan."""
