"""Engagement tracker: everything the Lambda functions run, apart from the wiring in app.py."""
