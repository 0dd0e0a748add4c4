"""The platform registry is the one place that names platforms, and platforms depend on pulls, never
the reverse."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.platforms import registry
from chalicelib.platforms.capabilities import Platform
from chalicelib.platforms.registry import PLATFORMS

ROOT = Path(__file__).resolve().parents[3]
PLATFORMS_DIR = ROOT / "chalicelib" / "platforms"
# Strings equal to a platform's name that are not about the platform: botocore's retry mode, and the
# Latin letter that Cyrillic and Greek look-alikes of x fold to before classification.
NOT_A_PLATFORM = {("chalicelib/aws.py", "standard"), ("chalicelib/domain/moderation/normalise.py", "x")}


def _package_of(name: str) -> str:
    """The folder under chalicelib/platforms whose package declares the platform."""
    for package in sorted(p for p in PLATFORMS_DIR.iterdir() if (p / "__init__.py").is_file()):
        module = __import__(f"chalicelib.platforms.{package.name}", fromlist=["_"])
        if any(value is PLATFORMS[name] for value in vars(module).values() if isinstance(value, Platform)):
            return package.name
    raise AssertionError(f"no package declares {name}")


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_a_platform_name_is_written_only_in_its_own_package_and_the_registry() -> None:
    # Given every string literal of the application's code
    owners = {name: PLATFORMS_DIR / _package_of(name) for name in PLATFORMS}
    found: list[str] = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Constant) and node.value in PLATFORMS):
                continue
            name = node.value
            # When it names a platform outside the platform's package and the registry
            if path.is_relative_to(owners[name]) or path == PLATFORMS_DIR / "registry.py":
                continue
            if (relative, name) not in NOT_A_PLATFORM:
                found.append(f"{relative}:{node.lineno}: {name!r}")
    # Then there is none: callers ask the registry
    assert found == []


def test_pulls_import_no_platform() -> None:
    # Given the shared pull code (HTTP client, budgets, snapshots)
    modules = sorted((ROOT / "chalicelib" / "pulls").rglob("*.py"))
    # When its imports are listed
    imported = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imports(path)
        if name.startswith("chalicelib.platforms") and not name.startswith("chalicelib.platforms._json")
    }
    # Then none is a platform's: platform clients import pulls, never the reverse
    assert imported == set()


@pytest.mark.parametrize(
    "package", sorted(p.name for p in PLATFORMS_DIR.iterdir() if p.is_dir() and p.name[0] != "_")
)
def test_a_platform_package_imports_no_other_platform(package: str) -> None:
    # Given one platform's package
    others = {
        p.name for p in PLATFORMS_DIR.iterdir() if p.is_dir() and p.name not in (package, "__pycache__")
    }
    # When its modules' imports are listed
    imported = {
        name
        for path in (PLATFORMS_DIR / package).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[:3] in ([["chalicelib", "platforms", other] for other in others])
    }
    # Then it names no other platform's package
    assert imported == set()


def test_reading_the_registry_loads_neither_a_parser_nor_a_pull_client() -> None:
    # Given a fresh interpreter
    code = "import json, sys; import chalicelib.platforms.registry; print(json.dumps(sorted(sys.modules)))"
    # When it reads the registry
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True))
    # Then no platform's webhook, pull or client module (nor pulls/) is loaded yet
    heavy = [
        m
        for m in loaded
        if m.startswith("chalicelib.pulls") or m.rsplit(".", 1)[-1] in ("webhook", "pull", "api", "graph")
    ]
    assert heavy == []


def test_every_capability_loads() -> None:
    # Given every registry entry
    # When its webhook and pull capabilities are loaded
    media = {name: webhook.load().media_types for name, webhook in registry.webhooks()}
    pulled = {name: callable(pull.load()) for name, pull in registry.pulls()}
    # Then each webhook accepts some media type and each pull gives a puller
    assert all(media.values())
    assert all(pulled.values())
    assert set(media) | set(pulled) == set(PLATFORMS)


def test_tracked_platforms_are_listed_in_the_contracts_order() -> None:
    # Given the platforms campaigns track
    # When the registry lists them
    names = [name for name, _ in registry.tracked()]
    # Then they come in the order campaigns and summaries list them
    assert names == ["facebook", "instagram", "x", "youtube", "tiktok", "spotify", "soundcloud", "deezer"]


def test_the_radar_watches_the_platforms_of_contract_section_13_by_their_audience() -> None:
    # Given the registry, When the platforms with a public audience are listed
    watched = dict(registry.watched())
    # Then they are the radar's accounts of section 13, each with its followers/subscribers/fans metric
    assert watched == {
        "x": "followers",
        "youtube": "followers",
        "spotify": "followers",
        "soundcloud": "followers",
        "deezer": "fans",
    }
