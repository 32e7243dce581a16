"""Core knows no app, and suppliers' forms and selectors do not reach into its services.

The imports are read with ``ast`` from the source files, so a name in a comment or a string
does not count and an import inside a function does.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "marketplace" / "core"

# Packages core must not import: every app that plugs into it.
APPS = (
    "marketplace.accounts",
    "marketplace.home",
    "marketplace.notifications",
    "suppliers",
    "challenges",
    "contracts",
    "feedback",
    "search",
)
APP_LABELS = {"accounts", "home", "notifications", "suppliers", "challenges", "contracts"}
APP_LABELS |= {"feedback", "search"}


def _absolute(module: str, node: ast.ImportFrom, path: Path) -> str:
    """The absolute module an ``ImportFrom`` names, resolving ``from .. import x``."""
    if not node.level:
        return node.module or ""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    if path.name == "__init__.py":
        package = path.relative_to(ROOT).parts[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node.module or "", node, path)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def app_lookups(path: Path) -> list[str]:
    """Calls that reach an app by name: ``apps.get_model("x", ...)``, ``apps.is_installed("x")``,
    ``import_module("x")``, ``find_spec("x")``, whose first argument names an app."""
    tree = ast.parse(path.read_text(), filename=str(path))
    lookups = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in {
            "get_model",
            "is_installed",
            "import_module",
            "find_spec",
            "get_app_config",
        }:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            target = first.value
            if target.split(".")[0] in APP_LABELS or target.startswith(APPS):
                lookups.append(f"{name}({target!r})")
    return lookups


def _is_app(module: str) -> bool:
    return any(module == app or module.startswith(f"{app}.") for app in APPS)


CORE_FILES = sorted(p for p in CORE.rglob("*.py") if "migrations" not in p.parts)


def test_the_scan_sees_core_modules():
    assert CORE / "registry.py" in CORE_FILES
    assert len(CORE_FILES) > 10


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_app(path):
    offending = sorted(m for m in imported_modules(path) if _is_app(m))
    assert offending == [], f"{path.relative_to(ROOT)} imports {offending}"


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_does_not_look_an_app_up_by_name(path):
    assert app_lookups(path) == []
    assert "importlib" not in {m.split(".")[0] for m in imported_modules(path)} or path.match(
        "geo/builder.py"
    ), "importlib is only for finding the postcode data package"


def test_the_scan_catches_what_it_looks_for(tmp_path):
    # The checks above must be able to fail: feed them a module that breaks every rule.
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import suppliers.models\n"
        "from marketplace.accounts.models import User\n"
        "from django.apps import apps\n"
        "def f():\n"
        "    from challenges import services\n"
        "    apps.get_model('challenges', 'Challenge')\n"
        "    return apps.is_installed('suppliers')\n"
    )
    modules = imported_modules(bad)
    assert {"suppliers.models", "marketplace.accounts.models", "challenges"} <= modules
    assert app_lookups(bad) == ["get_model('challenges')", "is_installed('suppliers')"]


@pytest.mark.parametrize(
    "path",
    [ROOT / "suppliers" / "selectors.py", *sorted((ROOT / "suppliers" / "forms").glob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_supplier_forms_and_selectors_do_not_import_services(path):
    services = sorted(m for m in imported_modules(path) if m.startswith("suppliers.services"))
    assert services == []


@pytest.mark.parametrize(
    "path",
    [
        *sorted((ROOT / "challenges" / "selectors").glob("*.py")),
        *sorted((ROOT / "challenges" / "forms").glob("*.py")),
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_challenge_forms_and_selectors_do_not_import_services(path):
    services = sorted(m for m in imported_modules(path) if m.startswith("challenges.services"))
    assert services == []


@pytest.mark.parametrize(
    "path",
    [
        *(ROOT / "contracts" / name for name in ("selectors.py", "selectors_portfolio.py")),
        *(ROOT / "contracts" / name for name in ("forms.py", "forms_payments.py", "caps.py")),
        *(ROOT / "feedback" / name for name in ("selectors.py", "forms.py")),
        ROOT / "search" / "forms.py",
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_later_apps_forms_and_selectors_do_not_import_services(path):
    assert path.exists(), f"{path.relative_to(ROOT)} moved: update this list"
    services = sorted(m for m in imported_modules(path) if ".services" in m)
    assert services == []


@pytest.mark.parametrize(
    ("app", "later"),
    [
        ("challenges", ("contracts", "feedback", "search")),
        ("contracts", ("feedback", "search")),
        ("suppliers", ("challenges", "contracts", "feedback", "search")),
    ],
)
def test_earlier_apps_do_not_import_later_ones(app, later):
    """Later apps listen to declared events (``challenges.signals``, ``contracts.signals``)
    instead of being called by the apps they build on. One exception, which the search issue
    asks for: the list pages (``<app>/views``) search through ``search``."""
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in later
        and not (module.split(".")[0] == "search" and "views" in path.relative_to(ROOT).parts)
    )
    assert offenders == []
