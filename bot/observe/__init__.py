"""What an operator sees: one log format, Prometheus metrics, worker liveness."""
