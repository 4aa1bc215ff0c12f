"""Thin Qt adapters: run core calls off the UI thread, keep settings in QSettings."""
