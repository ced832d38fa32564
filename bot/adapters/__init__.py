"""Real implementations of the GitHub ports: PyGithub, and dry run on disk."""
