"""Fixtures for the hardening tests: a loopback listener that records every connection, and apps with
writes switched on over their own in-memory copy of the dataset."""

from __future__ import annotations

import socket
import threading

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from carekg.loader import DatasetFiles, load
from carekg.store import get_store

TOKEN = "alice=correct-horse-battery-staple"
BEARER = {"Authorization": "Bearer correct-horse-battery-staple"}


class Listener:
    """A TCP server on 127.0.0.1 that accepts, records and closes every connection."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            try:
                connection.settimeout(1)
                connection.recv(65536)
                body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                   b"Content-Length: " + str(len(body)).encode()
                                   + b"\r\nConnection: close\r\n\r\n" + body)
            except OSError:
                pass
            finally:
                connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def fresh_store(submissions=None, reasoner=False):
    """The curated dataset in memory; HermiT (``reasoner``) takes a minute or two unless its
    classification of these files is cached under .carekg/inferred."""
    store = get_store("memory:")
    load(store, DatasetFiles.discover(submissions_dir=submissions), reasoner=reasoner)
    return store


def _writable_app(tmp_path, monkeypatch, reasoner):
    monkeypatch.setenv("CAREKG_WRITE_TOKEN", TOKEN)
    folder = tmp_path / "submissions"
    settings = Settings(submissions_dir=str(folder), query_workers=1, reasoner=reasoner)
    store = fresh_store(folder, reasoner=reasoner)
    return TestClient(create_app(settings, store=store)), store, folder


@pytest.fixture
def writable(tmp_path, monkeypatch):
    """A client over a private in-memory store with writes on (token ``alice``), its store and folder;
    the store is loaded without HermiT, as a synthetic graph would be."""
    client, store, folder = _writable_app(tmp_path, monkeypatch, reasoner=False)
    with client:
        yield client, store, folder


@pytest.fixture
def reasoned(tmp_path, monkeypatch):
    """As ``writable``, with the reasoner on: the store holds HermiT's classification (the default)."""
    client, store, folder = _writable_app(tmp_path, monkeypatch, reasoner=True)
    with client:
        yield client, store, folder


@pytest.fixture(scope="module")
def client(store):
    """The app over the session's in-memory store, with writes off (no token configured)."""
    with TestClient(create_app(Settings(write_tokens={}, query_workers=1), store=store)) as test_client:
        yield test_client
