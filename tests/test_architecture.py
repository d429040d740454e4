"""The layers of ARCHITECTURE.md, checked on the source: every module under kg/ is parsed (ast), none imported.

- no import cycle between kg's modules (imports inside functions count; ``if TYPE_CHECKING:`` ones do not);
- kg/extract/* never imports rdflib or pyoxigraph, and modules that do never import spaCy;
- spaCy is imported only on its side of the seam (extract/, nlp, facts);
- only kg/files.py opens files for writing, renames them into place or locks them;
- only kg/resources.py computes paths from ``__file__``;
- no module is longer than MAX_LINES.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
MAX_LINES = 450
RDF_LIBRARIES = {"rdflib", "pyoxigraph", "pyshacl", "oxrdflib"}
SPACY_SIDE = {"kg.nlp", "kg.facts"}  # and kg.extract.*
#: kg/__init__.py is the public facade; inside kg a module may take only the version from it.
FACADE_NAMES: set[str] = set()  # kg/_version.py holds the version: nothing comes from kg/__init__.py


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: int
    imports: set[str] = field(default_factory=set)  # kg modules and third-party top-level names
    facade_names: set[str] = field(default_factory=set)  # names taken from kg/__init__.py


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").is_file()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the import nodes inside ``if TYPE_CHECKING:`` blocks (never run)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skipped |= {id(inner) for inner in ast.walk(node)}
    return skipped


def _read(path: Path) -> Module:
    text = path.read_text(encoding="utf-8")
    module = Module(_module_name(path), path, ast.parse(text), len(text.splitlines()))
    package = module.name if path.name == "__init__.py" else module.name.rpartition(".")[0]
    skipped = _type_checking_nodes(module.tree)
    for node in ast.walk(module.tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            module.imports |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:  # "from . import extract" imports a module
                submodule = f"{target}.{alias.name}"
                if _is_package(target) and (_is_package(submodule) or (PACKAGE.parent / f"{submodule.replace('.', '/')}.py").is_file()):
                    module.imports.add(submodule)
                elif target == "kg":
                    module.facade_names.add(alias.name)
            if target != "kg":
                module.imports.add(target)
    return module


MODULES = {m.name: m for m in map(_read, sorted(PACKAGE.rglob("*.py")))}


def _kg_imports(module: Module) -> set[str]:
    return {name for name in module.imports if name in MODULES and name != module.name}


def _third_party(module: Module) -> set[str]:
    return {name.split(".")[0] for name in module.imports if not name.startswith("kg")}


def test_the_modules_were_found():
    assert {"kg.cli", "kg.files", "kg.resources", "kg.query.runner", "kg.serve.http", "kg.extract.entities"} <= set(MODULES)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of a module -> imported modules graph, as a path that ends where it starts, or None.

    >>> find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}})
    ['a', 'b', 'c', 'a']
    >>> find_cycle({"a": {"b"}, "b": set()}) is None
    True
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        for other in sorted(graph.get(name, ())):
            if state.get(other) == 1:
                return path[path.index(other):] + [name, other] if other in path else [name, other]
            if other not in state and (cycle := visit(other, path + [name])):
                return cycle
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name, [])):
            return cycle
    return None


def test_no_import_cycle():
    # A package's __init__ re-exports its modules, so a module importing its own package closes a cycle.
    cycle = find_cycle({name: _kg_imports(module) for name, module in MODULES.items()})
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_from_the_facade():
    for module in MODULES.values():
        assert module.facade_names <= FACADE_NAMES, f"{module.name} imports {module.facade_names - FACADE_NAMES} from kg/__init__.py"


def test_extract_never_imports_rdf_libraries():
    for name, module in MODULES.items():
        if name.startswith("kg.extract"):
            assert not _third_party(module) & RDF_LIBRARIES, f"{name} imports {_third_party(module) & RDF_LIBRARIES}"


def test_spacy_stays_on_its_side_of_the_seam():
    for name, module in MODULES.items():
        uses_spacy = "spacy" in _third_party(module)
        if uses_spacy:
            assert name.startswith("kg.extract") or name in SPACY_SIDE, f"{name} imports spacy"
            assert not _third_party(module) & RDF_LIBRARIES, f"{name} imports spacy and an RDF library"


def _writes(node: ast.Call) -> str | None:
    """What a call does to the file system, if it writes: 'open for writing', 'write_text', ..."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
    if name in ("write_text", "write_bytes", "mkstemp", "NamedTemporaryFile", "flock", "lockf"):
        return name
    if owner in ("os", "shutil") and name in ("replace", "rename", "remove", "unlink", "fchmod", "copy", "copyfile", "move", "rmtree"):
        return f"{owner}.{name}"
    if owner == "os" and name == "open":
        target = node.args[0] if node.args else None
        if isinstance(target, ast.Attribute) and target.attr == "devnull":
            return None  # a child process sending its stderr nowhere
        return "os.open"
    if name == "open" and not owner:
        mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
            return f"open(..., {mode.value!r})"
        if mode is not None and not isinstance(mode, ast.Constant):
            return "open with a computed mode"
    if name == "serialize" and any(k.arg == "destination" for k in node.keywords):
        return "serialize(destination=...)"
    return None


def test_only_files_writes_files():
    for name, module in MODULES.items():
        if name == "kg.files":
            continue
        found = [(call.lineno, what) for call in ast.walk(module.tree) if isinstance(call, ast.Call) and (what := _writes(call))]
        assert not found, f"{module.path.relative_to(PACKAGE.parent)} writes files itself (use kg.files): {found}"


def test_only_resources_computes_paths_from_the_package():
    for name, module in MODULES.items():
        if name != "kg.resources":
            uses = [n.lineno for n in ast.walk(module.tree) if isinstance(n, ast.Name) and n.id == "__file__"]
            assert not uses, f"{name} computes a path from __file__ (lines {uses}); take it from kg.resources"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name):
    assert MODULES[name].lines <= MAX_LINES, f"{name}: {MODULES[name].lines} lines; split it by job (ARCHITECTURE.md)"


def test_architecture_md_names_every_module():
    """ARCHITECTURE.md stays true: each module and package of kg/ (and each module of query/ and serve/) is listed."""
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for name in MODULES:
        parts = name.split(".")
        if len(parts) == 1 or parts[-1] in ("__main__",) or parts[1] == "extract":
            continue
        if len(parts) == 2:
            expected = f"`{parts[1]}/`" if _is_package(name) else f"`{parts[1]}`"
        else:
            expected = f"`{parts[2]}`"
        assert expected in text, f"ARCHITECTURE.md does not list {name} ({expected})"
