"""A real S3 server on this computer for tests: moto's standalone server (``moto[server]``)
in a thread on 127.0.0.1, with IAM authentication switched on, so a wrong secret is refused as
a real storage refuses it. :class:`S3Server` counts the requests it answers."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests


class _Counting:
    """WSGI middleware that records ``(method, path)`` of every request."""

    def __init__(self, app, log: list[tuple[str, str]], lock: threading.Lock) -> None:
        self.app, self.log, self.lock = app, log, lock

    def __call__(self, environ, start_response):
        with self.lock:
            self.log.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)


@dataclass
class S3Server:
    url: str
    access_key_id: str
    secret_access_key: str
    bucket: str = "media"
    requests: list[tuple[str, str]] = field(default_factory=list)

    def count(self, method: str, path_part: str = "") -> int:
        """How many ``method`` requests (whose path holds ``path_part``) it answered."""
        return sum(1 for m, p in list(self.requests) if m == method and path_part in p)

    def authenticate(self, on: bool) -> None:
        """Check every request's signature (on), or let anything through: moto's server fails
        (500) on a presigned URL while it checks signatures, and never checks its expiry."""
        count = b"0" if on else b"inf"
        requests.post(f"{self.url}/moto-api/reset-auth", data=count, timeout=30).raise_for_status()

    def another_user(self, name: str, actions: list[str]) -> tuple[str, str]:
        """The key pair of a new user allowed only ``actions`` (``s3:PutObject`` …) on the
        bucket's objects."""
        self.authenticate(False)
        try:
            pair = _user(self.url, name, actions, f"arn:aws:s3:::{self.bucket}/*")
        finally:
            self.authenticate(True)
        return pair

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
        )

    def keys(self) -> list[str]:
        answer = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in answer.get("Contents", [])]


def _user(url: str, name: str, actions: list[str] | str, resource: str) -> tuple[str, str]:
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.create_user(UserName=name)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
    }
    iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps(policy))
    pair = iam.create_access_key(UserName=name)["AccessKey"]
    return pair["AccessKeyId"], pair["SecretAccessKey"]


@contextlib.contextmanager
def running_s3() -> Iterator[S3Server]:
    """A fresh S3 server with a user (allowed ``s3:*``), its key pair and the bucket
    ``media`` (the ``s3`` fixture of conftest.py)."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    requests.post(f"{url}/moto-api/reset", timeout=30).raise_for_status()
    key_id, secret = _user(url, "avatar", "s3:*", "*")

    boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="media")
    found = S3Server(url, key_id, secret)
    wsgi = server._server
    wsgi.app = _Counting(wsgi.app, found.requests, threading.Lock())
    found.authenticate(True)
    try:
        yield found
    finally:
        found.authenticate(False)
        requests.post(f"{url}/moto-api/reset", timeout=30)
        server.stop()
