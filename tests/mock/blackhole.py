#!/usr/bin/env python3
"""A port on 127.0.0.1 that never completes a connection: its listen queue
is full and nobody accepts, so a client's SYN goes unanswered and its
connect times out.  Prints the port, then waits SECONDS (default 30)."""
import socket
import sys
import time

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(0)
port = srv.getsockname()[1]
fillers = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(c)
print(port, flush=True)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 30)
