#!/usr/bin/env python3
"""The streamed request of make bench, as a small Python client would make it."""

# Usage: client.py URL BODY HEADERS
# POSTs the file BODY to URL with the "Name: value" lines of the file
# HEADERS (so that no key is on a command line), reads the event stream
# and writes each delta's content to standard output as it comes.  The
# standard library only, as a script in a pipeline would be.

import http.client
import json
import sys
import urllib.parse


def main():
    url, body_path, headers_path = sys.argv[1:4]
    u = urllib.parse.urlsplit(url)
    with open(body_path, "rb") as f:
        body = f.read()
    with open(headers_path, encoding="utf-8") as f:
        headers = dict(line.rstrip("\n").split(": ", 1) for line in f if line.strip())
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.request("POST", u.path, body, headers)
    resp = conn.getresponse()
    if resp.status != 200:
        sys.exit(f"client.py: HTTP {resp.status}")
    out = sys.stdout
    for line in resp:
        if not line.startswith(b"data: ") or line.strip() == b"data: [DONE]":
            continue
        choices = json.loads(line[6:]).get("choices") or [{}]
        text = (choices[0].get("delta") or {}).get("content")
        if text:
            out.write(text)
            out.flush()


if __name__ == "__main__":
    main()
