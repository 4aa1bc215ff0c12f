"""The Qt-free core: requests, the service client, the store and the delivery rules.

The window and ``avatar-cli`` both run on it; nothing here imports Qt.
"""
