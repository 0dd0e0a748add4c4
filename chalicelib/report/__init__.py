"""Renderers of a campaign summary (contract section 6): CSV for spreadsheets, one self-contained HTML page.

Pure: standard library only, no AWS, no I/O. Each renderer takes the summary.json v1 dict and returns bytes.
"""
