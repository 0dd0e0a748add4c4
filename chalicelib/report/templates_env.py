"""What the Jinja2 pages share: their templates, loaded once with autoescaping on, and the
Content-Security-Policy that lets a page's inline stylesheet alone in (by its hash).

Jinja2 is imported here; only the publish path imports this module.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

TEMPLATES = Path(__file__).resolve().parent / "templates"


def stylesheet(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8").strip()


def style_only_csp(css: str) -> str:
    """Nothing loads, nothing runs: only the inline stylesheet `css`, by its hash."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


@cache
def _environment() -> Environment:
    # Autoescaping on, an undefined name an error, templates read once; block tags leave no blank
    # lines (set before the first template is loaded, so its lexer has them).
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
    environment.trim_blocks = environment.lstrip_blocks = environment.keep_trailing_newline = True
    environment.auto_reload = False
    return environment


def template(name: str) -> Template:
    return _environment().get_template(name)
