"""``python -m bench.run`` (``make bench``): the tracker's speed at 1,000 to 100,000 findings.

For each size it resets the benchmark database (PostgreSQL only), migrates,
loads the seed data and ``seed_synthetic --findings N``, then

* serves the tracker (``tracker.wsgi``) and the floor (``bench.floor:app``,
  the same findings page from one hand-written SQL query and ``json``) with
  gunicorn under the same settings, each on a loopback port, and measures
  over HTTP at a fixed concurrency: the findings list (a page of 50 with a
  filter and an ordering, as a staff API key), a finding's detail, the
  summary, and the admin findings changelist (a manager's session);
* counts the SQL queries of each of those requests in-process (Django's test
  client), and times building the weekly digest and the daily reminders
  (building and rendering the emails, not sending them).

It prints one table and writes it, with the machine's description, the
ratio of each endpoint to the floor, how latency grows from the smallest to
the largest size, and the targets of issue 7 (met or missed, by how much),
into ``bench/results.md`` between the ``bench:begin``/``bench:end`` markers;
anything outside them (notes, profiles) is kept. Raw numbers go to
``bench/data/`` (git-ignored).

Only 127.0.0.1 is ever contacted; every load run is bounded in requests and
seconds. The database named in ``--database-url`` is DROPPED and recreated:
its name must contain "bench".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import secrets
import shlex
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.client import LoadResult, fetch, run_load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"

#: The list request: a page of 50, filtered by status, ordered by due date.
LIST_PATH = "/api/v1/findings/?status=in_progress&ordering=due_on"
FLOOR_PATH = "/?status=in_progress&page=1"
SUMMARY_PATH = "/api/v1/summary/"
ADMIN_PATH = "/admin/findings/finding/"

# Targets of issue 7.
FLOOR_RATIO_TARGET = 3.0
SCALING_TARGET = 1.5
DIGEST_TARGET_S = 2.0
REMINDERS_TARGET_S = 5.0


@dataclass
class Endpoint:
    name: str
    label: str
    median_ms: float
    p95_ms: float
    rps: float
    requests: int
    failed: int
    mean_bytes: float
    queries: int | None
    statuses: dict

    @classmethod
    def of(cls, load: LoadResult, label: str, queries: int | None) -> Endpoint:
        return cls(
            name=load.name,
            label=label,
            median_ms=round(load.median_ms, 2),
            p95_ms=round(load.p95_ms, 2),
            rps=round(load.rps, 1),
            requests=load.requests,
            failed=load.failed,
            mean_bytes=round(load.mean_bytes),
            queries=queries,
            statuses={str(k): v for k, v in sorted(load.statuses.items())},
        )


@dataclass
class Timing:
    """Building (the selector's queries) and rendering (the emails' templates), in seconds."""

    name: str
    label: str
    median_s: float
    build_s: float
    render_s: float
    runs: list[float]
    queries: int
    detail: str


@dataclass
class SizeResult:
    findings: int
    seed_seconds: float
    rows: int
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    timings: dict[str, Timing] = field(default_factory=dict)
    floor_matches: bool | None = None
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)


# --- environment ---------------------------------------------------------------------------


def bench_environment(database_url: str) -> dict[str, str]:
    """The settings every process of the run shares (the app, the floor, the commands)."""
    return {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "ENV_FILE": "",  # a developer's .env (DEBUG=true...) must not leak in
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",  # testserver: the in-process query counts
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(DATA / "static"),
        "REDIS_URL": "",  # local-memory cache and no broker: nothing outside this machine
        "EMAIL_URL": "memorymail://",
        "API_THROTTLE_USER": "100000000/day",  # the load must not be throttled
        "LOG_LEVEL": "WARNING",
        "TIME_ZONE": os.environ.get("TIME_ZONE", "Asia/Almaty"),
        "PYTHONPATH": str(ROOT),
    }


def describe_machine(database_url: str) -> dict[str, str]:
    import django
    import gunicorn
    import psycopg

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    with psycopg.connect(_libpq(database_url, dbname="postgres")) as connection:
        pg_version = connection.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        settings = dict(
            connection.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'jit', 'max_wal_size')"
            ).fetchall()
        )
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": pg_version,
        "postgresql settings": ", ".join(f"{k}={v}" for k, v in sorted(settings.items())),
        "load average at start": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _libpq(url: str, *, dbname: str | None = None) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else parts.scheme
    path = f"/{dbname}" if dbname is not None else parts.path
    return urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment))


def reset_database(url: str) -> None:
    """Drop and recreate the benchmark database (its name must contain "bench")."""
    import psycopg
    from django.db import connections

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("The benchmark runs on PostgreSQL: give a postgres:// --database-url.")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The benchmark database must be on this machine (127.0.0.1).")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop the database {name!r}: the benchmark database's name must "
            "contain 'bench' (it is dropped and recreated for every size)."
        )
    connections.close_all()
    with psycopg.connect(_libpq(url, dbname="postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> float:
    """Run ``manage.py <args>`` in a child process with ``env``; return the seconds it took."""
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
        )
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, *, env: dict[str, str], workers: int, threads: int) -> Iterator[int]:
    """Serve ``app`` on a free loopback port; yield the port; stop the server after."""
    port = free_port()
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"gunicorn-{app.split(':')[0].replace('.', '-')}.log"
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--timeout", "120",
        "--error-logfile", str(log),
        "--log-level", "warning",
    ]  # fmt: skip
    output = log.with_suffix(".out").open("w")
    process = subprocess.Popen(  # noqa: S603  (our own interpreter and gunicorn)
        command, env={**os.environ, **env}, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {app} exited at start; see {log}")
            with contextlib.suppress(OSError):
                fetch(port, "/")
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn {app} did not answer within 60 s; see {log}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        output.close()


# --- in-process parts (Django set up in this process) -----------------------------------------


@dataclass
class Fixtures:
    api_key: str
    session_cookie: str
    detail_paths: list[str]
    manager_id: int


def make_fixtures(seed: int) -> Fixtures:
    """An API key of a synthetic monitor, a logged-in manager session, findings to open."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User, UserAPIKey
    from accounts.roles import Role
    from findings.models import Finding
    from findings.synthetic import USERNAME_PREFIX

    synthetic = User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk")
    monitor = synthetic.filter(groups__name=Role.MONITOR).first()
    manager = synthetic.filter(groups__name=Role.MANAGER).first()
    _key_object, api_key = UserAPIKey.objects.create_key(name="benchmark", user=monitor)
    client = Client()
    client.force_login(manager)
    ids = list(Finding.objects.values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, k=min(20, len(ids)))  # noqa: S311
    return Fixtures(
        api_key=api_key,
        session_cookie=client.cookies[settings.SESSION_COOKIE_NAME].value,
        detail_paths=[f"/api/v1/findings/{pk}/" for pk in chosen],
        manager_id=manager.pk,
    )


def count_queries(fixtures: Fixtures) -> dict[str, int]:
    """SQL queries of one request to each endpoint (after one warm-up request)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    api = Client(HTTP_AUTHORIZATION=f"Api-Key {fixtures.api_key}")
    admin = Client()
    admin.force_login(User.objects.get(pk=fixtures.manager_id))
    requests = {
        "list": (api, LIST_PATH),
        "detail": (api, fixtures.detail_paths[0]),
        "summary": (api, SUMMARY_PATH),
        "admin": (admin, ADMIN_PATH),
    }
    counts = {}
    for name, (client, path) in requests.items():
        client.get(path)
        connection.queries_log.clear()  # the capture counts from the log's length
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code} in-process")
        counts[name] = len(queries)
    return counts


def time_notifications(repeat: int) -> dict[str, Timing]:
    """Build and render the weekly digest and today's reminders, ``repeat`` times each.

    Nothing is sent: building is the selectors' work (SQL and Python), rendering
    the three templates of each email (one manager's digest; every reviewer's
    reminder, as ``send_reminders`` does).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications.emails import digest_email, reminder_email
    from notifications.selectors import (
        digest_build,
        digest_recipients,
        manager_recipients,
        unsent_reviewer_reminders,
    )

    now = timezone.now()
    recipient = digest_recipients("weekly").first() or manager_recipients().first()

    def digest():
        built = digest_build(period="weekly", now=now)
        return built, lambda: digest_email(built, recipient)

    def reminders():
        built = unsent_reviewer_reminders(now=now)
        return built, lambda: [reminder_email(r) for r in built]

    def describe(name, built, rendered) -> str:
        if name == "digest":
            return f"{len(rendered.html) // 1024} KiB HTML for one manager"
        items = sum(r.item_count for r in built)
        return f"{len(rendered)} emails listing {items} findings"

    timings = {}
    for name, label, work in (
        ("digest", "weekly digest", digest),
        ("reminders", "daily reminders", reminders),
    ):
        builds, renders, detail, queries = [], [], "", 0
        for i in range(repeat):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                built, render_all = work()
                built_at = time.perf_counter()
                rendered = render_all()
                done = time.perf_counter()
                count = len(captured)
            builds.append(built_at - started)
            renders.append(done - built_at)
            if i == 0:
                queries, detail = count, describe(name, built, rendered)
        totals = [b + r for b, r in zip(builds, renders, strict=True)]
        timings[name] = Timing(
            name=name,
            label=label,
            median_s=round(statistics.median(totals), 3),
            build_s=round(statistics.median(builds), 3),
            render_s=round(statistics.median(renders), 3),
            runs=[round(t, 3) for t in totals],
            queries=queries,
            detail=detail,
        )
    return timings


def row_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables "
            "WHERE relname LIKE %s OR relname LIKE %s",
            ["findings%", "accounts%"],
        )
        return int(cursor.fetchone()[0])


# --- one size ------------------------------------------------------------------------------------


def bench_size(size: int, args: argparse.Namespace, env: dict[str, str]) -> SizeResult:
    print(f"\n== {size:,} findings ==", flush=True)
    reset_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_seed_data")
    seed_seconds = manage(env, "seed_synthetic", "--findings", str(size), "--seed", str(args.seed))
    print(f"   seed_synthetic: {seed_seconds:.1f} s", flush=True)
    result = SizeResult(findings=size, seed_seconds=round(seed_seconds, 1), rows=row_count())

    fixtures = make_fixtures(args.seed)
    queries = count_queries(fixtures)
    result.timings = time_notifications(args.repeat)
    for timing in result.timings.values():
        print(
            f"   {timing.label}: {timing.median_s * 1000:.0f} ms (build "
            f"{timing.build_s * 1000:.0f} ms + render {timing.render_s * 1000:.0f} ms), "
            f"{timing.queries} queries; {timing.detail}",
            flush=True,
        )

    api = {"Authorization": f"Api-Key {fixtures.api_key}", "Accept": "application/json"}
    admin = {"Cookie": f"sessionid={fixtures.session_cookie}"}
    server = {"env": env, "workers": args.workers, "threads": args.threads}
    with (
        gunicorn("tracker.wsgi:application", **server) as app_port,
        gunicorn("bench.floor:app", **server) as floor_port,
    ):
        result.floor_matches = same_page(app_port, floor_port, api)
        plan = [
            ("floor", "floor: one SQL query + json", floor_port, [FLOOR_PATH], {}, 1),
            ("list", "findings list (50, filter + order)", app_port, [LIST_PATH], api, None),
            ("detail", "finding detail", app_port, fixtures.detail_paths, api, None),
            ("summary", "summary", app_port, [SUMMARY_PATH], api, None),
            ("admin", "admin findings changelist", app_port, [ADMIN_PATH], admin, None),
        ]
        for name, label, port, paths, headers, fixed_queries in plan:
            load = {
                "port": port,
                "paths": paths,
                "headers": headers,
                "concurrency": args.concurrency,
            }
            run_load(name=name, max_requests=args.concurrency * 5, max_seconds=args.warmup, **load)
            measured = run_load(
                name=name, max_requests=args.requests, max_seconds=args.duration, **load
            )
            endpoint = Endpoint.of(measured, label, fixed_queries or queries.get(name))
            result.endpoints[name] = endpoint
            print(
                f"   {label:<38} median {endpoint.median_ms:8.1f} ms  p95 "
                f"{endpoint.p95_ms:8.1f} ms  {endpoint.rps:7.1f} req/s  "
                f"{endpoint.requests} requests, {endpoint.failed} failed",
                flush=True,
            )
    result.load_average = tuple(round(x, 2) for x in os.getloadavg())
    return result


def same_page(app_port: int, floor_port: int, api_headers: dict[str, str]) -> bool:
    """Whether the floor returns the same findings (ids and count) as the API list."""
    status, body = fetch(app_port, LIST_PATH, api_headers)
    floor_status, floor_body = fetch(floor_port, FLOOR_PATH)
    if status != 200 or floor_status != 200:
        raise SystemExit(f"list answered {status}, floor {floor_status}: see bench/data/*.log")
    app, floor = json.loads(body), json.loads(floor_body)
    same = app["count"] == floor["count"] and [r["id"] for r in app["results"]] == [
        r["id"] for r in floor["results"]
    ]
    if same and app["results"] and set(app["results"][0]) != set(floor["results"][0]):
        same = False
    if not same:
        print("   WARNING: the floor's page differs from the API's", flush=True)
    return same


# --- the report ----------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.1f}"


def _verdict(measured: float, limit: float) -> str:
    if measured <= limit:
        return f"met ({measured / limit:.0%} of the limit)"
    return f"**missed** by {measured / limit - 1:.0%} ({measured:.2f} vs {limit:.2f})"


def render(results: list[SizeResult], machine: dict[str, str], args: argparse.Namespace) -> str:
    command = " ".join(["python -m bench.run", *(shlex.quote(a) for a in args.argv)])
    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: `{command}`",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine.items()),
        "",
        f"Gunicorn (tracker and floor alike): `--workers {args.workers} --threads "
        f"{args.threads}` (sync workers), DEBUG off, PostgreSQL on the same machine. "
        f"Load: {args.concurrency} concurrent keep-alive clients (Python threads, same machine), "
        f"{args.warmup:g} s warm-up, then up to {args.requests} requests or {args.duration:g} s "
        "per endpoint. Latency is per request at that concurrency (it includes queueing for a "
        "worker), so it is comparable between endpoints and sizes, not a single-user figure. "
        "Queries: one request in-process (Django test client), after one warm-up request.",
        "",
        "### Results",
        "",
        "| findings | endpoint | median ms | p95 ms | req/s | SQL queries | median x floor | "
        "bytes |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        floor = result.endpoints.get("floor")
        for endpoint in result.endpoints.values():
            ratio = endpoint.median_ms / floor.median_ms if floor and floor.median_ms else 0
            failed = f" ({endpoint.failed} failed)" if endpoint.failed else ""
            lines.append(
                f"| {result.findings:,} | {endpoint.label}{failed} | {_ms(endpoint.median_ms)} | "
                f"{_ms(endpoint.p95_ms)} | {endpoint.rps:,.1f} | {endpoint.queries} | "
                f"{ratio:.2f} | {endpoint.mean_bytes:,.0f} |"
            )
        for timing in result.timings.values():
            lines.append(
                f"| {result.findings:,} | {timing.label} (in-process; build "
                f"{_ms(timing.build_s * 1000)} + render {_ms(timing.render_s * 1000)} ms; "
                f"{timing.detail}) | {_ms(timing.median_s * 1000)} | | | {timing.queries} | | |"
            )
    lines += [
        "",
        "| findings | seed_synthetic | rows in findings/accounts tables | floor page = API page "
        "| load average after |",
        "|---:|---:|---:|---|---|",
        *(
            f"| {r.findings:,} | {r.seed_seconds:.1f} s | {r.rows:,} | "
            f"{'yes' if r.floor_matches else 'NO'} | {', '.join(map(str, r.load_average))} |"
            for r in results
        ),
    ]

    if len(results) >= 2:
        small, large = results[0], results[-1]
        lines += [
            "",
            f"### From {small.findings:,} to {large.findings:,} findings (median latency)",
            "",
            "| endpoint | " + " | ".join(f"{r.findings:,}" for r in results) + " | ratio |",
            "|---|" + "---:|" * (len(results) + 1),
        ]
        for name, endpoint in small.endpoints.items():
            values = [r.endpoints[name].median_ms for r in results if name in r.endpoints]
            ratio = values[-1] / values[0] if values and values[0] else 0
            lines.append(
                f"| {endpoint.label} | " + " | ".join(_ms(v) for v in values) + f" | {ratio:.2f} |"
            )
        for name, timing in small.timings.items():
            values = [r.timings[name].median_s * 1000 for r in results if name in r.timings]
            ratio = values[-1] / values[0] if values and values[0] else 0
            lines.append(
                f"| {timing.label} | " + " | ".join(_ms(v) for v in values) + f" | {ratio:.2f} |"
            )
        lines += ["", *targets(small, large)]
    return "\n".join(lines) + "\n"


def targets(small: SizeResult, large: SizeResult) -> list[str]:
    lines = [
        f"### Targets (issue 7), at {large.findings:,} findings",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    floor = large.endpoints.get("floor")
    for name in ("list", "detail"):
        endpoint = large.endpoints.get(name)
        if endpoint and floor:
            ratio = endpoint.median_ms / floor.median_ms
            lines.append(
                f"| {endpoint.label} within {FLOOR_RATIO_TARGET:g}x the floor's median | "
                f"{ratio:.2f}x ({_ms(endpoint.median_ms)} vs {_ms(floor.median_ms)} ms) | "
                f"{_verdict(ratio, FLOOR_RATIO_TARGET)} |"
            )
    for name, endpoint in large.endpoints.items():
        if name == "floor" or name not in small.endpoints:
            continue
        ratio = endpoint.median_ms / small.endpoints[name].median_ms
        lines.append(
            f"| {endpoint.label}: latency at {large.findings:,} within {SCALING_TARGET:g}x of "
            f"{small.findings:,} | {ratio:.2f}x | {_verdict(ratio, SCALING_TARGET)} |"
        )
    for name, limit in (("digest", DIGEST_TARGET_S), ("reminders", REMINDERS_TARGET_S)):
        timing = large.timings.get(name)
        if timing:
            lines.append(
                f"| {timing.label} built and rendered under {limit:g} s | "
                f"{timing.median_s:.3f} s (build {timing.build_s:.3f} s) | "
                f"{_verdict(timing.median_s, limit)} |"
            )
    if large.findings >= 100_000:
        lines.append(
            f"| seed_synthetic of {large.findings:,} findings under 120 s | "
            f"{large.seed_seconds:.1f} s | {_verdict(large.seed_seconds, 120)} |"
        )
    return lines


def write_results(text: str) -> None:
    """Replace the generated part of ``bench/results.md``, keeping everything around it."""
    block = f"{BEGIN}\n{text}{END}"
    if RESULTS.exists():
        current = RESULTS.read_text()
        if BEGIN in current and END in current:
            head, rest = current.split(BEGIN, 1)
            _old, tail = rest.split(END, 1)
            RESULTS.write_text(head + block + tail)
            return
    RESULTS.write_text(
        "# Benchmarks\n\nGenerated by `make bench` (`python -m bench.run`); notes below the "
        "table are kept between runs.\n\n" + block + "\n"
    )


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated numbers of findings (default: %(default)s)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL database to DROP and recreate (name must contain 'bench'; "
        "default: $BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed_synthetic's --seed")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=1000, help="at most, per endpoint")
    parser.add_argument("--duration", type=float, default=15, help="seconds at most per endpoint")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both servers)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the digest and reminders")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave bench/results.md alone"
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 1000,10000")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes needs at least one positive number")
    for name in ("concurrency", "requests", "workers", "threads", "repeat"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    args.argv = argv
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    env = bench_environment(args.database_url)
    os.environ.update(env)
    import django

    django.setup()
    machine = describe_machine(args.database_url)
    print("Machine: " + "; ".join(f"{k}: {v}" for k, v in machine.items()), flush=True)
    DATA.mkdir(parents=True, exist_ok=True)
    manage(env, "collectstatic", "--noinput", "-v0")  # the admin pages need the manifest

    started = time.perf_counter()
    results = [bench_size(size, args, env) for size in args.sizes]
    text = render(results, machine, args)
    text += f"\nThe whole run took {(time.perf_counter() - started) / 60:.1f} minutes.\n"
    print("\n" + text)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    (DATA / f"results-{stamp}.json").write_text(
        json.dumps(
            {"machine": machine, "argv": argv, "results": [asdict(r) for r in results]},
            indent=2,
        )
    )
    if not args.no_write:
        write_results(text)
        print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
