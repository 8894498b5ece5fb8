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
