"""Benchmark of the xAPI write and read paths on PostgreSQL, against this machine's own ceiling.

Run: ``python -m bench.ingest [--rounds 3] [--statements 100000] [--singles 4000] [--clients 4] [--queries 400]``

It creates a scratch PostgreSQL database, starts a real ``elimu serve`` on it, and measures in one run,
round after round so that a machine whose speed drifts affects the ceiling and Elimu alike:
  1. the raw PostgreSQL insert rate for the same rows and indexes (the ceiling), 50 rows and 1 row per
     transaction, with psycopg and no Elimu code at all;
  2. batched ingest: POSTs of 50 statements from N concurrent clients;
  3. single-statement POSTs from N concurrent clients;
then 4. GET query latency (p50/p99) on the resulting store (>= 100,000 statements by default).
Each round's figures are printed, then the medians; paste them into bench/RESULTS.md with the date.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import requests

from bench.http import KeepAliveClient, post_concurrently
from bench.workload import moodle_statement

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=_positive, default=3, help="ceiling + POST measurements, interleaved")
    parser.add_argument("--statements", type=int, default=100_000, help="batched statements to ingest per round")
    parser.add_argument("--singles", type=int, default=4_000, help="single-statement POSTs per round")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: elimu's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: elimu's)")
    parser.add_argument("--database", default="elimu_bench")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    database_url = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
    recreate_database(args.database)
    data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"elimu-bench-{os.getpid()}"
    env = {**os.environ, "ELIMU_DATABASE_URL": database_url, "ELIMU_DATA_DIR": str(data_dir),
           "ELIMU_REDIS_URL": os.environ.get("ELIMU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
           "ELIMU_LOG_LEVEL": "WARNING"}
    run_cli(env, "init")
    credential = json.loads(run_cli(env, "clients", "create", "--name", "bench", "--scope", "all", "--json"))

    print(f"machine: {os.cpu_count()} cores; clients: {args.clients}; PostgreSQL: {database_url}")
    server = start_server(env, args.port, args.workers, args.threads)
    try:
        url = f"http://127.0.0.1:{args.port}/xapi/statements"
        auth = (credential["key"], credential["secret"])
        rounds = [measure_round(number, database_url, url, auth, args) for number in range(1, args.rounds + 1)]
        print_rounds(rounds)
        stored = analyse(database_url)
        for name, (p50, p99) in query_latencies(url, auth, args.queries).items():
            print(f"elimu    GET {name:<33}: p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  (store: {stored} statements; target p99 < 50 ms)")
    finally:
        server.terminate()
        server.wait(timeout=20)


Round = dict[str, float]


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def measure_round(number: int, database_url: str, url: str, auth: tuple[str, str], args: argparse.Namespace) -> Round:
    """The ceilings, then Elimu's batched and single-statement rates, printed as they are measured."""
    figures: Round = {}
    figures["ceiling_batched"], figures["ceiling_single"] = raw_insert_ceiling(database_url)
    figures["batched"] = post_load(url, auth, args.clients, total=args.statements, batch=50)
    figures["single"] = post_load(url, auth, args.clients, total=args.singles, batch=1)
    print(f"round {number}: ceiling {figures['ceiling_batched']:6.0f} rows/s (50/txn), {figures['ceiling_single']:5.0f} (1/txn);"
          f" POST 50 x {args.clients}: {figures['batched']:5.0f} st/s ({figures['batched'] / figures['ceiling_batched']:.0%});"
          f" POST 1 x {args.clients}: {figures['single']:4.0f} st/s", flush=True)
    return figures


def print_rounds(rounds: list[Round]) -> None:
    """Medians over the rounds, with each figure's range; the batched ratio is taken per round."""
    def summary(values: list[float], unit: str) -> str:
        return f"{statistics.median(values):8.0f} {unit}  (rounds: {min(values):.0f}-{max(values):.0f})"

    ratios = [r["batched"] / r["ceiling_batched"] for r in rounds]
    print(f"median of {len(rounds)} round(s):")
    print(f"ceiling  raw PostgreSQL, 50 rows/transaction : {summary([r['ceiling_batched'] for r in rounds], 'rows/s')}")
    print(f"ceiling  raw PostgreSQL, 1 row/transaction   : {summary([r['ceiling_single'] for r in rounds], 'rows/s')}")
    print(f"elimu    POST 50 statements, clients          : {summary([r['batched'] for r in rounds], 'statements/s')}"
          f"  {statistics.median(ratios):.0%} of the same round's 50-row ceiling (rounds: {min(ratios):.0%}-{max(ratios):.0%};"
          " target >= 30%)")
    print(f"elimu    POST 1 statement, clients            : {summary([r['single'] for r in rounds], 'statements/s')}"
          "  target >= 500/s")


def recreate_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "lrs.cli", *args], env=env, check=True,  # noqa: S603
                            capture_output=True, text=True)
    return result.stdout


def start_server(env: dict[str, str], port: int, workers: int | None, threads: int | None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "lrs.cli", "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    log = open(Path(env["ELIMU_DATA_DIR"]) / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("elimu serve did not become ready")


def raw_insert_ceiling(database_url: str) -> tuple[float, float]:
    """Rows/s psycopg alone reaches into a copy of the statements table (same columns, same indexes)."""
    rng = random.Random(7)
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE ceiling_statements (LIKE statements INCLUDING ALL)")
        # LIKE copies columns, indexes and constraints but not the table's storage parameters.
        options = connection.execute("SELECT reloptions FROM pg_class WHERE relname = 'statements'").fetchone()[0]
        if options:
            connection.execute(f"ALTER TABLE ceiling_statements SET ({', '.join(options)})")
        client_id = connection.execute("SELECT min(id) FROM clients").fetchone()[0]
        sql = ("INSERT INTO ceiling_statements (id, stored, verb_iri, registration, object_statement_id, is_voided,"
               " client_id, centre_id, body) VALUES (%s, now(), %s, %s, NULL, false, %s, NULL, %s)")

        def rows(n: int) -> list[tuple[Any, ...]]:
            made = []
            for _ in range(n):
                statement = moodle_statement(rng, 20_000, 50)
                made.append((uuid.uuid4(), statement["verb"]["id"], statement["context"]["registration"], client_id,
                             json.dumps(statement)))
            return made

        batches = [rows(50) for _ in range(200)]
        started = time.perf_counter()
        for batch in batches:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
        batched = 50 * len(batches) / (time.perf_counter() - started)

        singles = rows(2000)
        started = time.perf_counter()
        for row in singles:
            with connection.transaction():
                connection.execute(sql, row)
        single = len(singles) / (time.perf_counter() - started)
        connection.execute("DROP TABLE ceiling_statements")
    return batched, single


def post_load(url: str, auth: tuple[str, str], clients: int, *, total: int, batch: int) -> float:
    """Statements/s that ``clients`` concurrent processes achieve POSTing ``batch`` statements per request."""
    per_client = max(2, total // (clients * batch) + 1)

    def builder(seed: int) -> Callable[[], list[list[dict[str, Any]]]]:
        def build() -> list[list[dict[str, Any]]]:
            rng = random.Random(seed)
            return [[moodle_statement(rng, 20_000, 50) for _ in range(batch)] for _ in range(per_client)]
        return build

    return post_concurrently(url, auth, HEADERS, [builder(1000 * batch + n) for n in range(clients)])


def analyse(database_url: str) -> int:
    """Refresh the planner's statistics (autovacuum would, minutes later) and count the statements."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")
        return connection.execute("SELECT count(*) FROM statements").fetchone()[0]


def query_latencies(url: str, auth: tuple[str, str], count: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(11)
    client = KeepAliveClient(url, auth, {"X-Experience-API-Version": "1.0.3"})

    def agent() -> dict[str, str]:
        return {"agent": json.dumps({"account": {"homePage": "https://elearning.ksg.ac.ke", "name": str(1000 + rng.randrange(20_000))}})}

    def activity() -> dict[str, str]:
        return {"activity": f"https://elearning.ksg.ac.ke/course/view.php?id={rng.randrange(50)}", "related_activities": "true", "limit": "20"}

    def verb_since() -> dict[str, str]:
        return {"verb": rng.choice(["http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/failed"]),
                "since": "2026-01-01T00:00:00Z", "limit": "25"}

    shapes = {"by agent": agent, "by activity (related, limit 20)": activity,
              "by verb since (limit 25)": verb_since, "newest page (limit 100)": dict}
    results = {}
    for name, params in shapes.items():
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            client.request("GET", params=params())
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[name] = (statistics.median(timings), timings[int(len(timings) * 0.99) - 1])
    return results


if __name__ == "__main__":
    main()
