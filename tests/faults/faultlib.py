"""Helpers shared by the fault tests: a raw HTTP/1.1 response parser (so a
reset or an empty reply is seen as such), check bookkeeping, ports, psql."""
import subprocess
import socket
import time

T_START = time.monotonic()


def now():
    return time.monotonic()


def log(msg):
    print(f"[{now() - T_START:7.3f}] {msg}", flush=True)


def parse_response(data):
    """(status, headers, body) of a complete HTTP/1.1 response, else None."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        if len(rest) < length:
            return None
        body = rest[:length]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line, sep, rest = rest.partition(b"\r\n")
            if not sep:
                return None
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            if len(rest) < size + 2:
                return None
            body += rest[:size]
            rest = rest[size + 2:]
    else:
        body = rest
    return int(parts[1]), headers, body


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, label, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {label}" + (f" ({detail})" if detail else ""), flush=True)
        else:
            self.failed += 1
            print(f"FAIL {label}" + (f": {detail}" if detail else ""), flush=True)
        return ok


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(admin_url, sql):
    subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True,
                   stdout=subprocess.DEVNULL, timeout=30)
