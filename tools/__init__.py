"""Development tools (not shipped to Lambda): generators of committed files."""
