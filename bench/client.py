"""A small HTTP load generator: N threads, each with its own keep-alive connection.

It only ever talks to the loopback address, and every run is bounded both in
requests and in time. Each thread sends GET requests back to back (a closed
loop), so the concurrency is fixed; latency is measured from sending the
request to reading the whole body.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass
class LoadResult:
    """Latencies (seconds) of the completed requests, and what went wrong."""

    name: str
    concurrency: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    bytes_received: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def failed(self) -> int:
        return self.requests - self.ok + sum(self.errors.values())

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return self.median_ms
        return 1000 * statistics.quantiles(self.latencies, n=20, method="inclusive")[-1]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def mean_bytes(self) -> float:
        return self.bytes_received / self.requests if self.requests else 0.0


def run_load(
    *,
    name: str,
    port: int,
    paths: Sequence[str],
    headers: dict[str, str] | None = None,
    concurrency: int = 8,
    max_requests: int = 1000,
    max_seconds: float = 15.0,
    timeout: float = 30.0,
) -> LoadResult:
    """GET ``paths`` (in turn) on 127.0.0.1:``port`` from ``concurrency`` threads.

    Stops after ``max_requests`` requests or ``max_seconds``, whichever comes
    first (a request in flight at the deadline is finished and counted).
    """
    if not paths:
        raise ValueError("no paths to request")
    result = LoadResult(name=name, concurrency=concurrency)
    lock = threading.Lock()
    issued = itertools.count()
    next_path = itertools.cycle(paths)
    headers = {"Host": f"{HOST}:{port}", "Accept": "*/*", **(headers or {})}
    start_gate = threading.Barrier(concurrency + 1)
    deadline = 0.0

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        latencies, statuses, errors, received = [], Counter(), Counter(), 0
        start_gate.wait()
        try:
            while time.perf_counter() < deadline and next(issued) < max_requests:
                with lock:
                    path = next(next_path)
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    errors[type(exc).__name__] += 1
                    connection.close()  # reconnects on the next request
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[response.status] += 1
                received += len(body)
        finally:
            connection.close()
            with lock:
                result.latencies.extend(latencies)
                result.statuses.update(statuses)
                result.errors.update(errors)
                result.bytes_received += received

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + max_seconds
    start_gate.wait()
    for thread in threads:
        thread.join(max_seconds + timeout + 5)
    result.seconds = time.perf_counter() - began
    return result


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET on 127.0.0.1:``port``: (status, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": f"{HOST}:{port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
