"""Airflow for this checkout on one machine: `airflow standalone` with the DAG folder, the pool
and a private AIRFLOW_HOME. Used by the scheduler tests and the latency bench; `make airflow`
does the same from the shell. Airflow is only run as a command here, never imported.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

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
    for args in (["db", "migrate"], ["pools", "set", POOL, "1", "DuckDB writers"]):
        done = subprocess.run(
            [sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stderr[-3000:]}")


class Standalone:
    """`with Standalone(env, log) as airflow:` runs `airflow standalone` until the block ends."""

    def __init__(self, env: Mapping[str, str], log: Path | None = None):
        self.env, self.log = dict(env), log  # no log: its output goes to ours
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Standalone:
        prepare(self.env)
        out = self.log.open("wb") if self.log else None
        try:
            # its own process group: stopping it stops the components it started
            self.process = subprocess.Popen(
                [sys.executable, "-m", "airflow", "standalone"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                start_new_session=True,
            )
        finally:
            if out:
                out.close()
        return self

    def wait_ready(self, timeout: float) -> None:
        assert self.process is not None, "started by entering the block"
        deadline = time.monotonic() + timeout
        while "Airflow is ready" not in self.tail(200_000):
            if self.process.poll() is not None:
                raise RuntimeError(f"airflow standalone exited:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready in {timeout:.0f}s:\n{self.tail()}")
            time.sleep(1)

    def tail(self, chars: int = 4000) -> str:
        text = self.log.read_text(errors="replace") if self.log and self.log.exists() else ""
        return text[-chars:]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


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
