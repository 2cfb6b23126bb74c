"""The package's shape: imports flow one way (views → services → models), read from the source.

Only module-level imports count; those under `if TYPE_CHECKING:` are for type checkers alone.
`forum/__init__.py` (the app factory) imports every blueprint by design and is left out.
"""

import ast
from pathlib import Path

FORUM = Path(__file__).resolve().parent.parent / "forum"
MODULE_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(FORUM.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


MODULES = {module_name(path): path for path in FORUM.rglob("*.py")}


def resolve(name: str) -> str | None:
    """The forum module an import names: `forum.services.posting.reply` is forum.services.posting."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(sub, ast.Import):
                names.update(alias.name for alias in sub.names)
            elif isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
                names.add(sub.module)
                names.update(f"{sub.module}.{alias.name}" for alias in sub.names)
    return names


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        if name == "forum":
            continue
        targets = {
            resolve(i) for i in imported(ast.parse(path.read_text())) if i.startswith("forum")
        }
        graph[name] = {t for t in targets if t and t not in (name, "forum")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while (top := stack.pop()) != module:
                component.append(top)
            if component:
                found.append(sorted([module, *component]))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_among_forum_modules():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_ring():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_services_and_models_never_import_the_web_layer():
    """Services and models run in workers and commands too: no blueprint, form or template code."""
    web = {name for name in MODULES if name.count(".") == 2 and name.split(".")[1] in blueprints()}
    web |= {"forum.forms", "forum.templating", "forum.errors", "forum.limits", "forum.responses"}
    lower = [n for n in MODULES if n.startswith(("forum.services", "forum.models"))]
    graph = import_graph()
    assert {n: graph[n] & web for n in lower if graph[n] & web} == {}


def blueprints() -> set[str]:
    return {path.parent.name for path in FORUM.glob("*/views.py")}


def test_no_blueprint_imports_another_blueprints_views():
    reaching = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if target.endswith(".views")
        and module.split(".")[1] in blueprints()
        and target.split(".")[1] != module.split(".")[1]
    ]
    assert reaching == []


def test_every_module_stays_short_enough_to_read():
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text().splitlines())) > MODULE_LINES
    }
    assert long == {}


def test_the_forum_package_holds_no_benchmark_code():
    assert [name for name in MODULES if "bench" in name] == []
