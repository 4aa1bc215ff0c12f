"""The task list, the details of a task, the downloads of its videos, and task notifications."""
