"""A stage imports the core below it, never another stage: what two stages share lives in a
core module, so a change to one stage cannot break another through its imports."""

import ast

from pipeline.paths import PROJECT_ROOT

STAGES = PROJECT_ROOT / "pipeline" / "stages"


def imported(path) -> set[str]:
    """The modules a file imports, absolute, as `pipeline.x.y`."""
    package = ["pipeline", "stages"]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            # `from . import fetch` imports a module by its name
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def test_no_stage_imports_another_stage():
    modules = sorted(p for p in STAGES.glob("*.py") if p.name != "__init__.py")
    assert len(modules) >= 6
    for path in modules:
        stages = {m for m in imported(path) if m.split(".")[:2] == ["pipeline", "stages"]}
        assert not stages, f"{path.name} imports {sorted(stages)}: move what they share below"


def test_a_read_only_command_loads_neither_the_stages_nor_the_matcher(tmp_path):
    """`storywatch query` and the lists start without importing extraction, the
    stages or the matcher, so they answer while a stage runs (see bench/snapshot.py)."""
    import subprocess
    import sys

    config = tmp_path / "storywatch.toml"
    config.write_text('database = "s.duckdb"\nstories_dir = "stories"\nfeeds = []\n')
    (tmp_path / "stories").mkdir()
    subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "init", "--config", config],
        check=True,
        capture_output=True,
    )
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import main\n"
        "for args in (['query', 'select 1'], ['feed', 'list'], ['alerts', 'list']):\n"
        f"    result = CliRunner().invoke(main, [*args, '--config', {str(config)!r}])\n"
        "    assert result.exit_code == 0, result.output\n"
        "heavy = ('pipeline.stages', 'pipeline.matching', 'trafilatura', 'wordfreq')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert ran.stdout.strip() == "[]", ran.stdout
