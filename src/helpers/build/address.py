"""A `--dask` address checked before anything connects: its form, then that a Dask scheduler answers there.

Dask's TCP protocol starts with the server sending a length-prefixed handshake. Something else on
the port (a web server, SSH, the dashboard) sends nothing or other bytes, which Dask's own client
reads as a frame length and tries to allocate (exabytes, for "HTTP/1.1"). So the build reads that
first length itself, with a timeout, and refuses what is not a small handshake.
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

LOCAL = "local:"
SCHEMES = ("tcp", "tls")
PROBE_TIMEOUT = 10.0  # seconds to connect, and again to hear the scheduler's handshake
MAX_HANDSHAKE = 1 << 20  # a scheduler's handshake is a few hundred bytes
FORM = "expected a scheduler address such as tcp://host:8786 (as `dask scheduler` prints it) or local:N"


def check_address(address: str) -> str:
    """Why `address` is not one --dask can use ("" when its form is right); no connection is made."""
    text = address.strip()
    if not text:
        return f"an empty address; {FORM}"
    if text.startswith(LOCAL):
        count = text[len(LOCAL) :]
        if count.isdigit() and int(count) >= 1:
            return ""
        return "'local:' takes a whole number of worker processes, say local:2"
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("http", "https"):
        return (
            f"an {scheme}:// address is a web page (Dask's dashboard listens on one); "
            "the scheduler itself listens on tcp://host:8786"
        )
    if scheme and scheme not in SCHEMES:
        return f"the scheme {scheme}:// is not one the build connects with ({', '.join(s + '://' for s in SCHEMES)})"
    try:
        parts = urlsplit(text if scheme else f"tcp://{text}")
        port = parts.port
    except ValueError as exc:
        return f"{exc}; {FORM}"
    if not parts.hostname or port is None or parts.path not in ("", "/") or parts.query or parts.username:
        return f"no host and port; {FORM}"
    return ""


def host_port(address: str) -> tuple[str, int]:
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    return parts.hostname or "", int(parts.port or 0)


def probe(address: str, timeout: float = PROBE_TIMEOUT) -> str:
    """Why no Dask scheduler answers at a tcp:// address ("" when one does); never reads more than 8 bytes."""
    if address.strip().lower().startswith("tls://"):
        return ""  # the TLS handshake comes first: Dask's own client, with its timeout, checks the rest
    host, port = host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            head = b""
            while len(head) < 8:
                chunk = sock.recv(8 - len(head))
                if not chunk:
                    break
                head += chunk
    except TimeoutError:
        return f"nothing answered at {host}:{port} within {timeout:g} s as a Dask scheduler does"
    except OSError as exc:
        return f"no Dask scheduler answered at {host}:{port} ({exc.strerror or exc})"
    if len(head) < 8:
        return f"what answers at {host}:{port} closed the connection without a Dask handshake"
    (length,) = struct.unpack("Q", head)
    if not 0 < length <= MAX_HANDSHAKE:
        return f"what answers at {host}:{port} does not speak Dask's protocol (its first bytes are {head!r})"
    return ""
