"""The three plan documents: stage 1's template, rendering, provenance and validation (pure)."""
