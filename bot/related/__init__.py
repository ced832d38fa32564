"""Related issues for the problem definition: one GitHub search with the issue's key terms
(`match.py`, pure), made through the GitHub port and never failing a plan (`lookup.py`)."""
