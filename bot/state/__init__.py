"""planbot's state in Redis, and the connection to it that the web tier and the worker share."""
