"""Renderers of a campaign summary (contract sections 6 and 10): CSV for spreadsheets, one self-contained
HTML page; and the label's calendar page and feed (section 9).

No AWS, no I/O but reading the package's own templates. Each renderer takes the summary's JSON shape and
returns bytes. The CSV uses the standard library only; summary.html uses Jinja2 and Babel, which only the
publish path imports (see docs/decisions.md).
"""
