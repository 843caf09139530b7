"""Pytest plugin loaded with ``-p tests.env`` before Django starts.

It gives the test run the environment a developer's shell would: DEBUG on for
settings that depend on it (no HTTPS redirect), a fixed secret key, and tasks
run eagerly unless a test starts a real worker. Variables already set in the
environment (``DATABASE_URL``, ``REDIS_URL`` in CI) win.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault(
    "SECRET_KEY", "tests-only-secret-key-that-is-long-enough-for-checks-0123456789"
)
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_URL", "memorymail://")
# A per-process cache: with Redis, parallel test workers (each on its own test
# database) would share cached counts and throttle histories.
os.environ.setdefault("CACHE_LOCMEM", "true")
