"""Validate scans and their metadata, then store them as items."""
