"""Airflow for this checkout on one machine: `airflow standalone` with the DAG folder, the pool
and a private AIRFLOW_HOME, or (`CeleryAirflow`) its components one by one on the
CeleryExecutor with Celery workers that can be killed one at a time. Used by the scheduler and
Celery tests and the benches; `make airflow` does the same from the shell. Airflow is only run
as a command here, never imported.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Self

from pipeline.paths import PROJECT_ROOT

from . import POOL

# How quickly a local Airflow notices things; the defaults suit a busy production scheduler
# and add tens of seconds between a finished task and the next one on a small machine.
FAST = {
    "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
    "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
    "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "2",
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "30",
    "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "1",
    "AIRFLOW__CORE__PARALLELISM": "4",
    "AIRFLOW__API__WORKERS": "1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_database(host: str = "127.0.0.1", port: int = 5432, user: str = "postgres"):
    """A PostgreSQL database of its own, dropped when the block ends: yields its SQLAlchemy URL
    (psycopg2's OperationalError when there is no server: the caller decides to skip)."""
    import psycopg2

    admin = psycopg2.connect(host=host, port=port, user=user, dbname="postgres", connect_timeout=3)
    admin.autocommit = True
    database = f"storywatch_test_{uuid.uuid4().hex[:8]}"
    try:
        admin.cursor().execute(f"CREATE DATABASE {database}")  # a name of our own making
        yield f"postgresql+psycopg2://{user}@{host}:{port}/{database}"
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()


def environment(
    home: Path, port: int, config: Path, extra: Mapping[str, str] | None = None
) -> dict:
    """The variables that make `airflow` run this checkout's DAGs from `home` on `port`."""
    venv_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        # standalone starts its components as `airflow ...`: this environment's must come first
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://localhost:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{port}/execution/",
        "STORYWATCH_CONFIG": str(config),
        **FAST,
        **(extra or {}),
    }


def prepare(env: Mapping[str, str]) -> None:
    """Create or migrate the metadata database and the DuckDB writers' pool."""
    run(env, "db", "migrate")
    run(env, "pools", "set", POOL, "1", "DuckDB writers")


def run(env: Mapping[str, str], *args: str) -> str:
    """Run `airflow ARGS...` in `env`; its output (RuntimeError with its end if it failed)."""
    done = subprocess.run(
        [sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def celery_environment(broker: str, result_backend: str) -> dict:
    """The variables that put Airflow on the CeleryExecutor, `broker` a Redis URL and the
    results in `result_backend` (a SQLAlchemy URL), on a queue of this Airflow's own: two of
    them on one broker never take each other's tasks."""
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + result_backend,
        # A task forked from a process of Celery's default (prefork) pool inherits its daemon
        # flag, and a daemonic process may not start processes: the fetch's extraction
        # workers could not start, every page failed. The solo pool runs one task at a time
        # in the worker's own process: scale with more workers.
        "AIRFLOW__CELERY__POOL": "solo",
        # the queue every task is sent to, and the one `airflow celery worker` serves
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"storywatch_{uuid.uuid4().hex[:8]}",
    }


class Standalone:
    """`with Standalone(env, log) as airflow:` runs `airflow standalone` until the block ends."""

    def __init__(self, env: Mapping[str, str], log: Path | None = None):
        self.env, self.log = dict(env), log  # no log: its output goes to ours
        # each command in a process group of its own: stopping it stops what it started
        self.processes: dict[str, subprocess.Popen] = {}

    def commands(self) -> dict[str, list[str]]:
        """The `airflow` commands to run, by name; the first is `process`."""
        return {"standalone": ["standalone"]}

    @property
    def process(self) -> subprocess.Popen:
        assert self.processes, "started by entering the block"
        return next(iter(self.processes.values()))

    def __enter__(self) -> Self:
        prepare(self.env)
        if self.log:
            self.log.write_bytes(b"")  # the commands append to it, each line whole
        try:
            for name, args in self.commands().items():
                self.start(name, args)
        except BaseException:
            self.__exit__()
            raise
        return self

    def start(self, name: str, args: list[str]) -> None:
        out = self.log.open("ab") if self.log else None
        try:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "airflow", *args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                start_new_session=True,
            )
        finally:
            if out:
                out.close()

    def ready(self) -> bool:
        return "Airflow is ready" in self.tail(200_000)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if exited := [n for n, p in self.processes.items() if p.poll() is not None]:
                raise RuntimeError(f"airflow {exited[0]} exited:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready in {timeout:.0f}s:\n{self.tail()}")
            time.sleep(1)

    def airflow(self, *args: str) -> str:
        """Run `airflow ARGS...` beside it (a CLI command), as `run` does."""
        return run(self.env, *args)

    def query(self, sql: str, params: list | None = None) -> list[dict]:
        """The rows of `sql` on the metadata database, when it is PostgreSQL."""
        import psycopg2
        import psycopg2.extras

        url = self.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("+psycopg2", "", 1)
        with (
            closing(psycopg2.connect(url, connect_timeout=5)) as con,
            con.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor,
        ):
            cursor.execute(sql, params)
            return [dict(row) for row in cursor.fetchall()]

    def tail(self, chars: int = 4000) -> str:
        text = self.log.read_text(errors="replace") if self.log and self.log.exists() else ""
        return text[-chars:]

    def __exit__(self, *exc) -> None:
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class CeleryAirflow(Standalone):
    """Airflow's components one by one (`airflow standalone` forces the LocalExecutor) on the
    CeleryExecutor of `env` (see `celery_environment`), with `workers` Celery workers named
    worker1, worker2...: `kill(name)` kills one as a machine dies, the others go on."""

    def __init__(self, env: Mapping[str, str], log: Path | None = None, workers: int = 2):
        super().__init__(env, log)
        self.workers = [f"worker{n}" for n in range(1, workers + 1)]

    def commands(self) -> dict[str, list[str]]:
        components = ["scheduler", "api-server", "dag-processor", "triggerer"]
        # the log server of a worker has a fixed port: on one machine only one could serve
        worker = ["celery", "worker", "--skip-serve-logs", "--celery-hostname"]
        return {
            **{name: [name] for name in components},
            **{name: [*worker, f"{name}@%h"] for name in self.workers},
        }

    def ready(self) -> bool:
        log = self.tail(1_000_000)
        if not all(re.search(rf"{name}@\S+ ready\.", log) for name in self.workers):
            return False
        url = f"http://localhost:{self.env['AIRFLOW__API__PORT']}/api/v2/monitor/health"
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                health = json.load(reply)
        except OSError:
            return False  # not listening yet
        components = ("metadatabase", "scheduler", "dag_processor", "triggerer")
        return all((health.get(c) or {}).get("status") == "healthy" for c in components)

    def worker_of(self, pid: int) -> str | None:
        """The worker whose processes include `pid` (a task's, from its task instance)."""
        tree = self.trees()
        return next((name for name, pids in tree.items() if pid in pids), None)

    def trees(self) -> dict[str, set[int]]:
        """Every worker's processes: it, its pool, and the tasks they run with theirs."""
        import psutil

        trees = {}
        for name in self.workers:
            process = self.processes[name]
            try:
                below = psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                below = []
            trees[name] = {process.pid, *(p.pid for p in below)}
        return trees

    def kill(self, name: str) -> None:
        """SIGKILL the worker `name` and every process below it, at once, as a machine that
        dies: a task runs in a process group of its own, so killing the worker's group is
        not enough."""
        worker = self.processes[name].pid
        # the worker first: it starts no new process meanwhile
        for pid in [worker, *(self.trees()[name] - {worker})]:
            with suppress(ProcessLookupError):  # ended meanwhile
                os.kill(pid, signal.SIGKILL)
        self.processes[name].wait()


def main() -> None:
    """`python -m storywatch_airflow.standalone --home H --config C [--demo-every S]`: what
    `make airflow` runs. With --demo-every, the demo site and mail sink run alongside
    (`storywatch demo --serve`) and C is the config they write. Ctrl-C stops everything."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--home", type=Path, required=True, help="AIRFLOW_HOME")
    parser.add_argument("--port", type=int, default=8080, help="the UI's and API's port")
    parser.add_argument("--config", type=Path, required=True, help="the storywatch.toml")
    parser.add_argument("--demo-every", type=float, help="serve the demo: seconds per article")
    args = parser.parse_args()
    config = args.config.resolve()
    # SIGTERM (from a terminal closing, or kill) stops everything as Ctrl-C does
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    demo = None
    try:
        if args.demo_every:
            config.unlink(missing_ok=True)
            storywatch = str(Path(sys.executable).parent / "storywatch")
            demo = subprocess.Popen(
                [storywatch, "demo", "--serve", "--every", str(args.demo_every),
                 "--write-config", str(config)],
                start_new_session=True,
            )  # fmt: skip
            while not config.exists():
                if demo.poll() is not None:
                    raise SystemExit("the demo site did not start")
                time.sleep(0.2)
        env = environment(args.home.resolve(), args.port, config)
        with Standalone(env) as airflow:
            assert airflow.process is not None, "started by entering the block"
            airflow.process.wait()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        if demo and demo.poll() is None:
            os.killpg(demo.pid, signal.SIGTERM)
            demo.wait()


if __name__ == "__main__":
    main()
