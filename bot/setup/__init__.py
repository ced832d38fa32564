"""Registering the GitHub App from its manifest, before planbot has an App to run as."""
