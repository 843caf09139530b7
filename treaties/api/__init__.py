"""REST API for monitoring bodies, treaties, provisions and obligations (read-only)."""
