"""``python -m bench.profile PATH``: where the time of one request goes, in-process.

Run it after ``python -m bench.run`` (the benchmark database then holds the
largest size). It sends ``PATH`` through Django's test client with the
benchmark's settings (DEBUG off), as a synthetic monitor's API key or, for
``/admin/`` paths, a synthetic manager's session, and prints

* the time per request and the SQL queries of one request, slowest first;
* a profile: pyinstrument's call tree when pyinstrument is installed
  (``pip install pyinstrument``; it is not a dependency), otherwise cProfile's
  self time grouped by library and the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter

from bench.run import DEFAULT_DATABASE_URL, bench_environment

#: Self time is grouped by the first of these that the function's file path contains.
AREAS = (
    ("psycopg (driver, waiting for PostgreSQL)", "/psycopg/"),
    ("Django ORM: SQL compiler", "/django/db/models/sql/"),
    ("Django ORM: querysets, prefetch, models", "/django/db/"),
    ("Django templates", "/django/template/"),
    ("Django admin", "/django/contrib/admin/"),
    ("Django forms", "/django/forms/"),
    ("Django, other", "/django/"),
    ("DRF serializers and fields", "/rest_framework/serializers.py"),
    ("DRF serializers and fields", "/rest_framework/fields.py"),
    ("DRF, other", "/rest_framework"),
    ("django-filter", "/django_filters/"),
    ("drf-spectacular", "/drf_spectacular/"),
    ("json", "/json/"),
    ("copy (deep copies)", "/copy.py"),
    ("tracker code", "/accounts/"),
    ("tracker code", "/findings/"),
    ("tracker code", "/treaties/"),
    ("tracker code", "/notifications/"),
    ("tracker code", "/tracker/"),
    ("Python built-ins", "~"),
)


def _area(filename: str) -> str:
    for label, fragment in AREAS:
        if fragment in filename:
            return label
    return "other: " + os.path.basename(filename)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("path", help="e.g. '/api/v1/findings/?status=in_progress&ordering=due_on'")
    parser.add_argument("--requests", type=int, default=20, help="requests to profile")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--top", type=int, default=25, help="functions to list (cProfile)")
    parser.add_argument(
        "--all-frames",
        action="store_true",
        help="pyinstrument: show library frames too (Django's, DRF's...), not only ours",
    )
    args = parser.parse_args(argv)
    os.environ.update(bench_environment(args.database_url))

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User, UserAPIKey
    from accounts.roles import Role
    from findings.synthetic import USERNAME_PREFIX

    people = User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk")
    if args.path.startswith("/admin/"):
        client = Client()
        client.force_login(people.filter(groups__name=Role.MANAGER).first())
    else:
        monitor = people.filter(groups__name=Role.MONITOR).first()
        if monitor is None:
            raise SystemExit("No synthetic data: run python -m bench.run first.")
        _key, api_key = UserAPIKey.objects.create_key(name="profile", user=monitor)
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {api_key}")

    for _ in range(3):  # warm caches (templates, connection, permissions)
        status = client.get(args.path).status_code
    if status != 200:
        raise SystemExit(f"GET {args.path} answered {status}")
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(args.path)
    queries = list(captured.captured_queries)

    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(args.path)
    per_request = (time.perf_counter() - started) / args.requests * 1000
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    print(
        f"GET {args.path}\n  {per_request:.1f} ms per request (not profiled), "
        f"{len(queries)} SQL queries taking {sql_ms:.1f} ms"
    )
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")

    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    if Profiler is not None:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(args.path)
        profiler.stop()
        print(
            profiler.output_text(
                unicode=False, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))
            )
        )
        return 0

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(args.path)
    profile.disable()
    stats = pstats.Stats(profile)
    areas: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        areas[_area(filename)] += own
    total = sum(areas.values()) or 1
    print("\n  self time by area (cProfile):")
    for label, seconds in areas.most_common(12):
        print(f"  {seconds / total:7.1%}  {label}")
    print()
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
