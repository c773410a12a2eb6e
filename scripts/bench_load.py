"""A short, bounded load test against a running Essaim: C concurrent clients send at most N
requests (and stop after T seconds) over the home, directory and search pages.

Usage: .venv/bin/python scripts/bench_load.py [--base-url http://127.0.0.1:5000]
       [--requests 600] [--concurrency 8] [--max-seconds 30]
       [--login acheteur@demo.essaim.fr --password essaim-demo --need 1]
Starts nothing itself (run `make run` or gunicorn first). Prints req/s, p50/p95 per page, the
error count and the client's own CPU share (the load generator competes with the server when
both run on one machine: docs/benchmarks.md reports it next to the figures). With --login, the
clients share one logged-in session (the login form's CSRF token is read first) and --need adds
that need's suggestions page (`/suggestions/besoin/<id>`, visible to its members only).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PAGES = {
    "home": ["/"],
    "directory": ["/annuaire/", "/annuaire/?filiere=reemploi", "/annuaire/?q=insertion"],
    "search": ["/recherche/?q=collecte+de+meubles", "/recherche/?q=traiteur+bio",
               "/recherche/?q=livraison+v%C3%A9lo"],
}


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(t) for t in self.times.values()) + len(self.errors)

    def summary(self) -> dict:
        """Figures per page (ms) and overall: what `main` prints and the test checks."""
        pages = {name: {"requests": len(times), "p50_ms": percentile(times, 50),
                        "p95_ms": percentile(times, 95)} for name, times in self.times.items()}
        return {"requests": self.count, "errors": len(self.errors),
                "req_per_s": round(self.count / self.wall, 1) if self.wall else 0.0,
                "wall_s": round(self.wall, 2),
                "client_cpu_share": round(self.cpu / self.wall, 3) if self.wall else 0.0,
                "client_cpu_share_of_machine": round(self.cpu / self.wall / (os.cpu_count() or 1),
                                                     3) if self.wall else 0.0,
                "pages": pages}


def percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGIN_PATH = "/compte/connexion"


def fetch(opener: urllib.request.OpenerDirector, url: str, timeout: float) -> str | None:
    """None when the page itself answered 200, else what went wrong (a redirect, e.g. to the
    login form, is an error too)."""
    try:
        with opener.open(url, timeout=timeout) as response:
            response.read()
            if response.url != url:
                return f"redirected to {response.url} from {url}"
            return None if response.status == 200 else f"{response.status} {url}"
    except (urllib.error.URLError, OSError) as error:
        return f"{error} {url}"


def logged_in_opener(base_url: str, email: str, password: str,
                     timeout: float = 10.0) -> urllib.request.OpenerDirector:
    """An opener whose cookie jar holds a logged-in session (CSRF token read from the form,
    when the app has CSRF on)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    url = base_url.rstrip("/") + LOGIN_PATH
    with opener.open(url, timeout=timeout) as response:
        token = CSRF_FIELD.search(response.read().decode())
    fields = {"email": email, "password": password} | (
        {"csrf_token": token.group(1)} if token else {})
    form = urllib.parse.urlencode(fields).encode()
    with opener.open(url, data=form, timeout=timeout) as response:
        if urllib.parse.urlparse(response.url).path == LOGIN_PATH:
            raise RuntimeError(f"login refused for {email}")
    return opener


def pages_for(need_id: int | None) -> dict[str, list[str]]:
    """The pages to load: the public ones, plus a need's suggestions when one is given."""
    return PAGES | ({"suggestions": [f"/suggestions/besoin/{need_id}"]} if need_id else {})


def run(base_url: str, requests: int, concurrency: int, max_seconds: float,
        timeout: float = 10.0, login: tuple[str, str] | None = None,
        need_id: int | None = None) -> Results:
    """Send up to `requests` requests from `concurrency` threads, for at most `max_seconds`;
    with `login` (e-mail, password) every request carries one logged-in session."""
    opener = (logged_in_opener(base_url, *login, timeout=timeout) if login
              else urllib.request.build_opener())
    pages = pages_for(need_id)
    plan = itertools.cycle([(name, path) for name, paths in pages.items() for path in paths])
    lock = threading.Lock()
    results = Results(times={name: [] for name in pages})
    sent = itertools.count()
    deadline = time.perf_counter() + max_seconds

    def client() -> None:
        while next(sent) < requests and time.perf_counter() < deadline:
            with lock:
                name, path = next(plan)
            started = time.perf_counter()
            error = fetch(opener, base_url.rstrip("/") + path, timeout)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (results.errors.append(error) if error else results.times[name].append(elapsed))

    cpu_started, wall_started = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + timeout)
    results.wall = time.perf_counter() - wall_started
    results.cpu = time.process_time() - cpu_started
    return results


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (Linux /proc): the server's own
    cost per request, a figure that other load on a shared machine does not distort much."""
    proc = Path("/proc")
    children = [int(child) for task in (proc / str(pid) / "task").iterdir()
                for child in (task / "children").read_text().split()]
    fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return own + sum(process_tree_cpu(child) for child in children)


def report(summary: dict) -> str:
    lines = [f"{summary['requests']} requests in {summary['wall_s']} s: "
             f"{summary['req_per_s']} req/s, {summary['errors']} errors; client CPU "
             f"{summary['client_cpu_share']:.0%} of one core "
             f"({summary['client_cpu_share_of_machine']:.0%} of the machine)",
             "| page | requests | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {page['requests']} | {page['p50_ms']} | {page['p95_ms']} |"
              for name, page in summary["pages"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("--login", metavar="EMAIL", help="log in first (e.g. the demo buyer)")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", ""))
    parser.add_argument("--need", type=int, metavar="ID",
                        help="also load this need's suggestions page (needs --login)")
    parser.add_argument("--server-pid", type=int, metavar="PID",
                        help="gunicorn's master pid: also report the server's CPU per request")
    args = parser.parse_args(argv)
    if args.need and not args.login:
        parser.error("--need requires --login (suggestions are for the need's members)")
    login = (args.login, args.password) if args.login else None
    server_cpu = process_tree_cpu(args.server_pid) if args.server_pid else 0.0
    try:
        results = run(args.base_url, args.requests, args.concurrency, args.max_seconds,
                      login=login, need_id=args.need)
    except (RuntimeError, urllib.error.URLError, OSError) as error:
        print("error:", error, file=sys.stderr)
        return 2
    print(report(results.summary()))
    if args.server_pid:
        server_cpu = process_tree_cpu(args.server_pid) - server_cpu
        print(f"server CPU {1000 * server_cpu / max(1, results.count):.1f} ms per request "
              f"({server_cpu / results.wall:.2f} cores busy on average)")
    for error in results.errors[:5]:
        print("error:", error, file=sys.stderr)
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
