"""Ingest benchmark: planbot's web tier against Probot and a bare Flask app, under wrk."""
