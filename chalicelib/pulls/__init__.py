"""Scheduled pulls of platform counters: one HTTP client, snapshots, daily budgets."""
