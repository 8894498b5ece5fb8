"""Plain trafilatura against storywatch's extraction on the Article Extraction Benchmark.

    .venv/bin/python -m bench.extraction

Both run in this one process over the 181 pages of ../shared/eval/aeb/; each prints the
benchmark's precision, recall and F1 (see bench/aeb.py) and pages per second. storywatch's row
is `pipeline.extract.extract` followed by the boilerplate pass with what a site has taught it
(nothing, here: the benchmark has one page per site), i.e. what the fetch stage stores. Every
page of the benchmark is an article: the pages storywatch takes for stubs (a consent wall, a
paywall, too little text) are counted and listed last.
"""

from __future__ import annotations

import sys
import time

import trafilatura

from bench.aeb import page_counts, pages, scores
from pipeline.boilerplate import strip_boilerplate
from pipeline.extract import article, extract


def plain(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def storywatch(html: bytes, url: str) -> str:
    return strip_boilerplate(extract(html, url=url).text).text


def main() -> None:
    data = pages()
    print(f"{len(data)} pages of the Article Extraction Benchmark")
    print(f"trafilatura {trafilatura.__version__}, Python {sys.version.split()[0]}")
    print(f"{'':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, function in (("trafilatura.extract", plain), ("storywatch", storywatch)):
        started = time.perf_counter()
        texts = [function(html, url) for _, url, html, _ in data]
        seconds = time.perf_counter() - started
        s = scores(
            [page_counts(want, got) for (_, _, _, want), got in zip(data, texts, strict=True)]
        )
        print(
            f"{name:<22} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
            f"{len(data) / seconds:>8.1f}"
        )
    stubs = [(k, stub) for k, url, html, _ in data if (stub := article(extract(html, url)).stub)]
    print(f"pages taken for stubs by storywatch: {len(stubs)} of {len(data)}")
    for key, stub in stubs:
        print(f"  {key[:16]}  {stub}")


if __name__ == "__main__":
    main()
