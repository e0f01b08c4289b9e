#!/usr/bin/env python3
"""Query the mock server's request log for the ms tests (mock_req, mock_count, mock_max_inflight)."""

# Usage:
#   req.py LOG count            number of requests received
#   req.py LOG max-inflight     largest "inflight" seen (0 when none)
#   req.py [-n] LOG N [PATH]    field PATH of request N (1-based; -1 is the
#                               last, -2 the one before ...)
#
# PATH is dotted: body.model, body.messages.0.content, headers.x-title,
# body.messages.-1.role.  Strings print raw, everything else as compact
# JSON, followed by a newline unless -n is given.  A missing request or
# field prints nothing and exits 1; no PATH prints the whole log entry.

import json
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def lookup(value, path):
    """Follow a dotted path through objects and lists; KeyError if absent."""
    for part in path.split(".") if path else []:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list):
            try:
                value = value[int(part)]
            except (ValueError, IndexError):
                raise KeyError(part)
        else:
            raise KeyError(part)
    return value


def main(argv):
    newline = True
    if argv and argv[0] == "-n":
        newline = False
        argv = argv[1:]
    if len(argv) < 2 or len(argv) > 3:
        sys.exit("usage: req.py [-n] LOG count|max-inflight|N [PATH]")
    entries = load(argv[0])
    if argv[1] == "count":
        out = str(len(entries))
    elif argv[1] == "max-inflight":
        out = str(max((e.get("inflight", 0) for e in entries), default=0))
    else:
        try:
            n = int(argv[1])
            entry = entries[n - 1 if n > 0 else n] if n != 0 else None
            if entry is None:
                raise IndexError
            value = lookup(entry, argv[2] if len(argv) > 2 else "")
        except (ValueError, IndexError, KeyError):
            return 1
        out = value if isinstance(value, str) else \
            json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.buffer.write((out + ("\n" if newline else ""))
                            .encode("utf-8", "surrogateescape"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
