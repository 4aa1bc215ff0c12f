"""The Qt widgets, models and dialogs of the desktop app."""
