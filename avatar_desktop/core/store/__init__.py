"""The app's data file and what it keeps (Qt-free).

``database`` opens the file (connection, errors, change counter, permissions), ``migrations``
brings its schema up to date (frozen: a migration never runs today's code), ``schema`` holds the
pure derivations of a row (statuses, label, search text), ``backup`` moves a damaged file aside,
backs up, restores and salvages; ``tasks``, ``outbox``, ``drafts`` and ``voices`` are what the
file keeps. Each name lives in one module and is imported from there.
"""
