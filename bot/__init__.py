"""planbot: turn GitHub issues into reviewable plans."""
