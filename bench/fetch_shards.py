"""The fetch in shards (plan, fetch_shard on W workers at once, load) against the fetch stage of
one machine, on the same loopback pages: the time of each step, and what the one writer spends.

    .venv/bin/python -m bench.fetch_shards [--pages 400] [--hosts 16] [--workers 2] [--kb 20]

Pages are spread over `--hosts` servers on 127.0.0.2, 127.0.0.3, ... (one shard per host at
most, as a site is never split), each page `--kb` KB of paragraphs that trafilatura extracts.
The workers are processes, as Airflow's tasks are; each starts its own extraction pool.
`load` is the part that holds the DuckDB pool: what it costs per page is what the sharded
fetch cannot spread.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench import loopback
from bench.fetch import filler, serve
from pipeline import stages
from pipeline.config import AirflowConfig, Settings
from pipeline.stages.fetch_shards import fetch_shard, load_staged, plan_shards, staging


def sharded_settings(settings: Settings, staging: Path, shard_size: int) -> Settings:
    airflow = AirflowConfig(staging=staging, shard_size=shard_size)
    return settings.model_copy(update={"airflow": airflow})


def fetch_one(job: tuple[Settings, str]) -> tuple[str, int]:
    settings, shard = job
    name = fetch_shard(settings, shard)
    return name, (staging(settings) / name).stat().st_size


def main() -> None:
    parser = loopback.parser(__doc__, pages=400, workers=2, kb=20)
    args = parser.parse_args()
    body = filler(args.kb * 1000)
    servers = [
        serve(f"127.0.0.{2 + h}", list(range(h, args.pages, args.hosts)), body)
        for h in range(args.hosts)
    ]
    feeds = [
        f"http://127.0.0.{2 + h}:{s.server_address[1]}/feed.xml" for h, s in enumerate(servers)
    ]
    per_host = -(-args.pages // args.hosts)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {}
        for name in ("alone", "sharded"):
            settings = loopback.settings(Path(tmp) / f"{name}.duckdb", feeds, args.concurrency)
            settings.extraction.batch = max(settings.extraction.batch, args.pages)
            stages.poll(settings)
            runs[name] = settings
        started = time.perf_counter()
        alone = stages.fetch_articles(runs["alone"])
        alone_s = time.perf_counter() - started

        settings = sharded_settings(runs["sharded"], Path(tmp) / "staging", per_host)
        started = time.perf_counter()
        shards = plan_shards(settings)
        planned = time.perf_counter()
        # spawned, as Airflow starts a task: not forked from a process with threads and a pool
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(args.workers, mp_context=spawn) as workers:
            written = list(workers.map(fetch_one, [(settings, s) for s in shards]))
        fetched = time.perf_counter()
        loaded = load_staged(settings, shards)
        done = time.perf_counter()
    for server in servers:
        server.shutdown()
    staged = sum(size for _, size in written)
    load_s = done - fetched
    print(
        f"{args.pages} pages of {args.kb} KB on {args.hosts} hosts, concurrency {args.concurrency}"
    )
    print(f"one machine (storywatch run --stage fetch): {alone_s:.1f}s, {alone}")
    print(
        f"sharded, {len(shards)} shards on {args.workers} workers: plan {planned - started:.2f}s, "
        f"fetch_shard {fetched - planned:.1f}s, load {load_s:.2f}s "
        f"({1000 * load_s / max(loaded.stored, 1):.1f} ms a page), total {done - started:.1f}s"
    )
    size = f"{staged / 1e6:.1f} MB ({staged / args.pages / 1e3:.1f} KB a page)"
    print(f"  {loaded}; staging files {size}")


if __name__ == "__main__":
    main()
