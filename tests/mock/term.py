#!/usr/bin/env python3
"""Run a command on a pseudo-terminal for the ms tests (test_pty in lib.sh)."""

# Usage:
#   term.py tty ARG...     run ARG with stderr on a terminal and stdout to
#                         the file "out"; print its status, whether the
#                         last line was cleared, and what it wrote there,
#                         CR as \r
#   term.py screen ARG...  run ARG with stdout and stderr on one terminal;
#                         print its status, then the lines the terminal
#                         shows at the end (blanks at their ends dropped)

import os
import pty
import subprocess
import sys


def screen(text):
    """The lines a terminal shows after text, CR moving to column 0."""
    lines, cur, col = [], [], 0
    for ch in text:
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append("".join(cur).rstrip())
            cur, col = [], 0
        else:
            if col < len(cur):
                cur[col] = ch
            else:
                cur.append(ch)
            col += 1
    lines.append("".join(cur).rstrip())
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("tty", "screen"):
        sys.exit("usage: term.py tty|screen ARG...")
    mode = sys.argv[1]
    m, s = pty.openpty()
    out = s if mode == "screen" else open("out", "wb")
    p = subprocess.Popen(sys.argv[2:], stdout=out, stderr=s,
                         stdin=subprocess.DEVNULL)
    os.close(s)
    data = b""
    while True:
        try:
            b = os.read(m, 65536)
        except OSError:
            break
        if not b:
            break
        data += b
    rc = p.wait()
    text = data.decode(errors="replace")
    print(f"status {rc}")
    if mode == "tty":
        line = text.split("\r")[-1]
        print("cleared" if line.strip() == "" else f"left {line!r}")
        print(text.replace("\r", "\\r"))
        return
    for line in screen(text):
        print(line)


if __name__ == "__main__":
    main()
