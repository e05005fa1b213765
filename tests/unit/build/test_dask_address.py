"""`--dask` addresses: a wrong form or a port where no scheduler answers is one clear refusal, never a traceback.

Dask's own client reads the first 8 bytes anything sends as a frame length and tries to allocate it
("HTTP/1.1" asks for about 3 EiB); the build reads that length itself first.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time

import pytest

from helpers.build import address
from helpers.build.cli import main


@contextlib.contextmanager
def server(greeting: bytes | None, hold: bool = True):
    """A TCP server on 127.0.0.1 that sends `greeting` to each connection (None: nothing), then holds it open."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                if greeting is not None:
                    conn.sendall(greeting)
                if hold:
                    stop.wait(3)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.parametrize(
    "given, said",
    [
        ("", "an empty address"),
        ("   ", "an empty address"),
        ("notanaddress", "no host and port"),
        ("http://127.0.0.1:8787", "web page"),
        ("https://scheduler:8786", "web page"),
        ("udp://h:1", "not one the build connects with"),
        ("tcp://h:99999", "Port out of range"),
        ("tcp://:8786", "no host and port"),
        ("local:0", "whole number"),
        ("local:two", "whole number"),
    ],
)
def test_a_malformed_address_is_refused_before_anything_runs(given: str, said: str, capsys, tmp_path) -> None:
    assert address.check_address(given) and said in address.check_address(given)
    code = main(["--config", str(tmp_path / "none.yaml"), "--reports", str(tmp_path / "r"), "--dask", given])
    err = capsys.readouterr().err
    assert code == 2 and said in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("given", ["tcp://127.0.0.1:8786", "127.0.0.1:8786", "tls://h.example:8786", "local:2"])
def test_a_well_formed_address_passes_the_form_check(given: str) -> None:
    assert address.check_address(given) == ""


@pytest.mark.parametrize(
    "greeting, hold, said",
    [
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", True, "does not speak Dask's protocol"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", True, "does not speak Dask's protocol"),
        (b"\x00\x00", False, "closed the connection"),
    ],
)
def test_something_else_on_the_port_is_refused_without_a_huge_allocation(
    greeting: bytes, hold: bool, said: str
) -> None:
    with server(greeting, hold) as where:
        assert said in address.probe(where, timeout=2)


def test_a_silent_port_is_refused_after_the_timeout(monkeypatch) -> None:
    with server(None) as where:
        started = time.perf_counter()
        problem = address.probe(where, timeout=0.5)
    assert "nothing answered" in problem and "0.5 s" in problem and time.perf_counter() - started < 3


def test_a_closed_port_is_refused_naming_it() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    assert "no Dask scheduler answered at 127.0.0.1" in address.probe(f"tcp://127.0.0.1:{port}", timeout=2)


def test_a_dask_like_handshake_passes() -> None:
    with server(struct.pack("Q", 300) + b"x" * 300) as where:
        assert address.probe(where, timeout=2) == ""
