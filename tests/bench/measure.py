#!/usr/bin/env python3
"""Measure a command's peak RSS over generated input, for make bench."""

# Usage:
#   measure.py rss MB OUT -- CMD ...
#       Run CMD once with MB MiB of generated prose (gen.py text) written
#       into its standard input as it is made, standard output to the file
#       OUT, and print "WALL_SECONDS PEAK_RSS_KB REQUESTS HOW": the peak
#       resident set size of CMD alone (not of the generator), measured by
#       /usr/bin/time -v when it is installed, else by wait4(2); REQUESTS
#       is the count from CMD's -u report on standard error, or "?".
#   measure.py cpu RUNS IN OUT -- CMD ...
#       Run CMD RUNS times, standard input from the file IN and standard
#       output to the file OUT, and print "CPU_SECONDS PEAK_RSS_KB": the
#       median of its user + system time, from wait4(2)'s rusage (the
#       kernel's accounting of the process, children included, so a busy
#       machine lengthens the wall time but hardly this), and the largest
#       peak RSS of the runs.
#
# A command that fails stops the measure with its status and its standard
# error.

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402


def fail(msg, err=b""):
    sys.stderr.buffer.write(err)
    sys.exit(f"measure.py: {msg}")


def run_rss(mb, path_out, cmd):
    timev = "/usr/bin/time"
    tv = None
    if os.access(timev, os.X_OK):
        fd, tv = tempfile.mkstemp(prefix="ms-bench-time.")
        os.close(fd)
        cmd = [timev, "-v", "-o", tv] + cmd
    err = tempfile.TemporaryFile()
    with open(path_out, "wb") as fo:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=fo,
                             stderr=err)
        try:
            gen.text(mb << 20, p.stdin)
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
    err.seek(0)
    errtext = err.read()
    if p.returncode != 0:
        fail(f"{cmd[0]} exited with status {p.returncode}", errtext)
    how, kb = "wait4", ru.ru_maxrss  # kilobytes on Linux
    if tv is not None:
        with open(tv, encoding="utf-8", errors="replace") as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                          f.read())
        os.unlink(tv)
        if m:
            how, kb = "time-v", int(m.group(1))
    m = re.search(rb"(\d+) requests?\b", errtext)
    reqs = m.group(1).decode() if m else "?"
    print(f"{wall:.3f} {kb} {reqs} {how}")


def run_cpu(runs, path_in, path_out, cmd):
    cpu, peak = [], 0
    for _ in range(runs):
        err = tempfile.TemporaryFile()
        with open(path_in, "rb") as fi, open(path_out, "wb") as fo:
            p = subprocess.Popen(cmd, stdin=fi, stdout=fo, stderr=err)
            _, status, ru = os.wait4(p.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            fail(f"{cmd[0]} exited with status "
                 f"{os.waitstatus_to_exitcode(status)}", err.read())
        cpu.append(ru.ru_utime + ru.ru_stime)
        peak = max(peak, ru.ru_maxrss)
    cpu.sort()
    n = len(cpu)
    med = cpu[n // 2] if n % 2 else (cpu[n // 2 - 1] + cpu[n // 2]) / 2
    print(f"{med:.6f} {peak}")


def main():
    a = sys.argv[1:]
    if "--" not in a or len(a) < 4:
        fail("usage: measure.py rss MB OUT -- CMD ...")
    i = a.index("--")
    head, cmd = a[:i], a[i + 1:]
    if head[0] == "rss" and len(head) == 3 and cmd:
        run_rss(int(head[1]), head[2], cmd)
    elif head[0] == "cpu" and len(head) == 4 and cmd:
        run_cpu(int(head[1]), head[2], head[3], cmd)
    else:
        fail("bad arguments")


if __name__ == "__main__":
    main()
