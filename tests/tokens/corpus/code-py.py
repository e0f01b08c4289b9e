#!/usr/bin/env python3
"""Replay a scenario file to every client that connects."""
import json
import socketserver
from http.server import BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"null")
        for i, chunk in enumerate(body.get("messages", [])):
            print(f"{i:03d} {chunk['role']:>9}: {chunk['content'][:40]!r}")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n')


if __name__ == "__main__":
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler) as srv:
        srv.serve_forever()
