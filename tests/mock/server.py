#!/usr/bin/env python3
"""Mock OpenAI-compatible chat-completions server that replays a scenario file for the ms tests."""

# Usage: server.py --port-file F --log L SCENARIO.json
#
# The scenario is {"description": "...", "responses": [R1, R2, ...]}:
# request i (in order of arrival, any path) gets R_i, and the last one is
# repeated for every later request.  Each R is an object:
#
#   status    HTTP status (default 200); "reason" overrides the phrase
#   headers   {name: value}; a value may be a list (repeated header) or
#             {"date_in": S} for an HTTP date S seconds from now; "{port}"
#             in a value becomes the server's port
#   delay     seconds to wait before the status line
#   drop      true: close the connection without sending a byte ("reset":
#             the same with a TCP RST)
#   framing   for parts/stream: "chunked" (default), "close" (no length,
#             Connection: close, the end of the body is the close) or
#             "length" (Content-Length of all the parts, written piecewise)
#
# and exactly one body form:
#
#   text        a string sent whole with Content-Length (text/plain)
#   json        any JSON value sent whole (application/json)
#   completion  a string, or {"text", "finish_reason", "usage", "model",
#               "id"}: a standard non-streamed chat.completion body
#   parts       a list sent piece by piece, each item its own flushed
#               write (its own chunk when chunked): a string (its UTF-8
#               bytes), {"hex": "e282"}, {"delay": S}, {"stamp": true}
#               (the next write's time goes to the --stamps file),
#               {"drop": true}
#               (close at once, no terminating chunk; "reset": with a
#               TCP RST), {"hang": true}
#               (write nothing more until the client leaves, or 120 s)
#   stream      options for a generated OpenAI-style SSE answer (see
#               sse_items below)
#   file        {"path": P, "write": N}: the bytes of the file P (a
#               recorded SSE stream, say) as text/event-stream, in writes
#               of N bytes (default 65536), as fast as the client reads
#   echo        {"transform": "upper"|"lower"|"same", "stream": null|true|
#               false, "delay": S, "think": S, plus any stream option}:
#               answers with the last user message of the request, as SSE
#               when the request (or "stream") asks for it; "think" waits
#               before the first token, with keep-alive comments every
#               0.5 s when streaming and in silence when not
#   endless     {"head": S, "fill": S, "type": T, "encoding": E, "limit": N,
#               "write": W}: a body without end for the hostile tests:
#               "head" once, then "fill" (default one NUL byte) again and
#               again up to N bytes (default 1 GiB), chunked, in writes of
#               about W bytes (default 1 MiB), as Content-Type T (default
#               application/json); E "gzip" or "deflate" compresses it on
#               the fly with Content-Encoding E (1 GiB of zeros is about
#               1 MB on the wire: a decompression bomb).  It stops when
#               the client leaves.
#
# Every request appends one JSON line to the log, flushed at once:
# {"n", "t", "method", "path", "headers", "body", "raw", "inflight"} where
# t is seconds since the server started and inflight counts the requests
# being served when this one started, itself included.
#
# With --stamps FILE, the time of each write marked by a "stamp" item (the
# stream option "stamp" marks the first content event) is appended to FILE
# as one line, CLOCK_MONOTONIC nanoseconds, so that a reader on the same
# machine can tell how long the bytes took to reach it.
#
# The port is written to the port file (atomically) once the socket
# listens.  SIGTERM, or the death of the parent process, ends the server.

import argparse
import email.utils
import json
import os
import select
import signal
import socket
import sys
import threading
import time
import zlib
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG_SECONDS = 120
CREATED = 1700000000

RESPONSE_KEYS = {"status", "reason", "headers", "delay", "drop", "framing",
                 "comment"}
BODY_FORMS = ("text", "json", "completion", "parts", "stream", "echo",
              "file", "endless")
ENDLESS_KEYS = {"head", "fill", "type", "encoding", "limit", "write"}
STREAM_KEYS = {"text", "split", "split_bytes", "write_gap", "gap",
               "role_chunk", "role_every", "comments", "crlf", "eol",
               "finish_reason", "finish_delta", "finish_with_content",
               "usage", "usage_on_finish", "done", "model", "provider", "id",
               "ascii_escape", "system_fingerprint", "first_gap", "stamp"}
ECHO_KEYS = STREAM_KEYS - {"text"} | {"transform", "stream", "delay",
                                      "think"}


class ClientGone(Exception):
    """The client closed the connection while we were waiting or writing."""


class ScenarioError(Exception):
    """The scenario file is not valid."""


def check_scenario(scn):
    """Validate a scenario up front, so a typo fails loudly at start-up."""
    if not isinstance(scn, dict) or not isinstance(scn.get("responses"), list) \
            or not scn["responses"]:
        raise ScenarioError('want {"responses": [R1, ...]} with at least one R')
    for i, r in enumerate(scn["responses"], 1):
        if not isinstance(r, dict):
            raise ScenarioError(f"response {i}: not an object")
        forms = [k for k in BODY_FORMS if k in r]
        unknown = set(r) - RESPONSE_KEYS - set(BODY_FORMS)
        if unknown:
            raise ScenarioError(f"response {i}: unknown keys {sorted(unknown)}")
        if len(forms) > 1 or (not forms and not r.get("drop")):
            raise ScenarioError(f"response {i}: want exactly one of {BODY_FORMS}")
        if "stream" in r and set(r["stream"]) - STREAM_KEYS:
            raise ScenarioError(f"response {i}: unknown stream options "
                                f"{sorted(set(r['stream']) - STREAM_KEYS)}")
        if "echo" in r and set(r["echo"]) - ECHO_KEYS:
            raise ScenarioError(f"response {i}: unknown echo options "
                                f"{sorted(set(r['echo']) - ECHO_KEYS)}")
        if "endless" in r and (set(r["endless"]) - ENDLESS_KEYS or
                               r["endless"].get("encoding") not in
                               (None, "gzip", "deflate")):
            raise ScenarioError(f"response {i}: bad endless options")
        if r.get("framing", "chunked") not in ("chunked", "close", "length"):
            raise ScenarioError(f"response {i}: bad framing")


def dumps(obj, ascii_escape=False):
    """Compact JSON as servers send it; raw UTF-8 unless asked to escape."""
    return json.dumps(obj, ensure_ascii=ascii_escape, separators=(",", ":"))


def sse_items(opt, text):
    """The parts list of a streamed answer built from the stream options.

    One item per SSE event, so one write each.  Options:
      text                the answer
      split               characters per content delta (default 4)
      role_chunk          first chunk with only delta.role (default true);
                          an object: that delta instead
      role_every          "role": "assistant" in every delta
      comments            ": OPENROUTER PROCESSING" and bare ":" keep-alives,
                          also between the finish and the usage chunk
      crlf, eol           line ends: CRLF, or any string (default LF)
      finish_reason       default "stop"
      finish_delta        delta of the finish chunk (default {})
      finish_with_content the last content delta carries the finish
      usage               object or null (default): a later chunk with
                          "choices": [] (OpenRouter, OpenAI)
      usage_on_finish     usage on the finish chunk instead (Mistral)
      done                send "data: [DONE]" (default true)
      model, provider, id, system_fingerprint   chunk fields
      ascii_escape        non-ASCII as backslash-u escapes (JSON \\uXXXX)
      gap                 seconds between events
      first_gap           seconds before the first content event
      stamp               true: the time of the first content event's
                          write goes to the --stamps file
      split_bytes         true: also cut every write inside multi-byte
                          characters, between CR and LF, after "dat" and
                          in the middle; N: every N bytes
      write_gap           seconds between those cut writes (default
                          0.002, or 0 when split_bytes is 1)
    """
    eol = "\r\n" if opt.get("crlf") else opt.get("eol", "\n")
    split = max(1, int(opt.get("split", 4)))
    model = opt.get("model", "mistralai/mistral-small")
    usage = opt.get("usage")
    on_finish = bool(opt.get("usage_on_finish"))
    comments = bool(opt.get("comments"))
    ascii_escape = bool(opt.get("ascii_escape"))
    gap = float(opt.get("gap", 0))

    def chunk(delta, finish=None, with_usage=False, choices=True):
        obj = {"id": opt.get("id", "gen-mock-0001"),
               "object": "chat.completion.chunk", "created": CREATED,
               "model": model}
        if "provider" in opt:
            obj["provider"] = opt["provider"]
        if "system_fingerprint" in opt:
            obj["system_fingerprint"] = opt["system_fingerprint"]
        if opt.get("role_every") and delta is not None:
            delta = {"role": "assistant", **delta}
        obj["choices"] = ([{"index": 0, "delta": delta,
                            "finish_reason": finish}] if choices else [])
        if with_usage:
            obj["usage"] = usage
        return "data: " + dumps(obj, ascii_escape) + eol + eol

    def comment(s):
        return s + eol + eol

    events = []
    if comments:
        events.append(comment(": OPENROUTER PROCESSING"))
    role = opt.get("role_chunk", True)
    if role:
        events.append(chunk(role if isinstance(role, dict)
                            else {"role": "assistant"}))
    pieces = [text[i:i + split] for i in range(0, len(text), split)]
    finish = opt.get("finish_reason", "stop")
    fold = bool(opt.get("finish_with_content")) and pieces
    for i, p in enumerate(pieces):
        last = i == len(pieces) - 1
        if fold and last:
            events.append(chunk({"content": p}, finish,
                                with_usage=on_finish and usage is not None))
        else:
            events.append(chunk({"content": p}))
        if comments and i % 3 == 1:
            events.append(comment(":"))
    if not fold:
        events.append(chunk(opt.get("finish_delta", {}), finish,
                            with_usage=on_finish and usage is not None))
    if usage is not None and not on_finish:
        if comments:
            events.append(comment(": OPENROUTER PROCESSING"))
            events.append(comment(":"))
        events.append(chunk(None, with_usage=True, choices=False))
    if opt.get("done", True):
        events.append("data: [DONE]" + eol + eol)

    items = []
    first = next((i for i, e in enumerate(events) if '"content":' in e
                  and '"content":""' not in e), None)
    for i, e in enumerate(events):
        if gap and items:
            items.append({"delay": gap})
        if i == first and opt.get("first_gap"):
            items.append({"delay": float(opt["first_gap"])})
        if i == first and opt.get("stamp"):
            items.append({"stamp": True})
        items.append(e)
    sb = opt.get("split_bytes")
    if sb:
        items = split_writes(items, sb, float(opt.get(
            "write_gap", 0 if sb is not True and int(sb) == 1 else 0.002)))
    return items


def split_writes(items, how, write_gap):
    """Cut each string item into several writes.

    how == true: cut inside every multi-byte UTF-8 character, between CR
    and LF, after "dat" and in the middle; how == N: every N bytes.
    """
    out = []
    for it in items:
        if not isinstance(it, str):
            out.append(it)
            continue
        b = it.encode("utf-8")
        if how is True:
            cuts = {len(b) // 2, 3}
            for i in range(1, len(b)):
                if b[i] & 0xC0 == 0x80 and b[i - 1] & 0xC0 == 0xC0:
                    cuts.add(i)          # just after a lead byte
                if b[i] == 0x0A and b[i - 1] == 0x0D:
                    cuts.add(i)          # between CR and LF
        else:
            cuts = set(range(int(how), len(b), int(how)))
        cuts = sorted(c for c in cuts if 0 < c < len(b))
        prev = 0
        for c in cuts + [len(b)]:
            if out and write_gap:
                out.append({"delay": write_gap})
            out.append({"bytes": b[prev:c]})
            prev = c
    return out


def completion_body(spec):
    """A standard non-streamed chat.completion object."""
    if isinstance(spec, str):
        spec = {"text": spec}
    body = {"id": spec.get("id", "gen-mock-0001"), "object": "chat.completion",
            "created": CREATED,
            "model": spec.get("model", "mistralai/mistral-small"),
            "choices": [{"index": 0,
                         "message": {"role": "assistant",
                                     "content": spec.get("text", "")},
                         "finish_reason": spec.get("finish_reason", "stop")}]}
    if spec.get("usage", True) is not None:
        body["usage"] = spec.get("usage") if isinstance(spec.get("usage"), dict) \
            else {"prompt_tokens": 10, "completion_tokens": 5,
                  "total_tokens": 15}
    return body


def last_user_text(body):
    """The text of the last user message of a request body, or None."""
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return None
    for m in reversed(body["messages"]):
        if isinstance(m, dict) and m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, list):     # content parts
                return "".join(p.get("text", "") for p in c
                               if isinstance(p, dict))
            return c if isinstance(c, str) else None
    return None


class Server(ThreadingHTTPServer):
    """Holds the scenario, the log and the request counters."""

    daemon_threads = True
    # Many clients connect at once (-j 8 and more): a short listen queue
    # would drop their SYNs and cost a second each.
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, scenario, log_path, stamps_path=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.responses = scenario["responses"]
        self.log = open(log_path, "a", encoding="utf-8")
        self.stamps = open(stamps_path, "a") if stamps_path else None
        self.files = {}
        self.lock = threading.Lock()
        self.count = 0
        self.inflight = 0
        self.start = time.monotonic()
        self.resets = set()

    def shutdown_request(self, request):
        # A socket dropped with "reset" must be closed without the FIN
        # that shutdown() would send first, so the client sees the RST.
        with self.lock:
            reset = id(request) in self.resets
            self.resets.discard(id(request))
        if reset:
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client that goes away mid-answer is normal in these tests.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ClientGone, ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """Logs each request and replays the scenario response it is due."""

    protocol_version = "HTTP/1.1"
    server_version = "ms-mock/1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Each write should leave at once, so clients see split reads.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass            # trailers
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def serve(self):
        raw = self.read_body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        srv = self.server
        with srv.lock:
            srv.count += 1
            srv.inflight += 1
            n = srv.count
            entry = {"n": n, "t": round(time.monotonic() - srv.start, 3),
                     "method": self.command, "path": self.path,
                     "headers": headers, "body": body,
                     "raw": raw.decode("utf-8", "replace"),
                     "inflight": srv.inflight}
            srv.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            srv.log.flush()
            resp = srv.responses[min(n, len(srv.responses)) - 1]
        try:
            self.respond(resp, body)
        finally:
            with srv.lock:
                srv.inflight -= 1

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = serve

    # --- waiting and writing ---------------------------------------------

    def wait(self, seconds):
        """Sleep, but give up with ClientGone as soon as the client leaves."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.connection], [], [], min(left, 0.2))
            if r:
                try:
                    peek = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    raise ClientGone()
                if not peek:
                    raise ClientGone()
                time.sleep(min(left, 0.05))   # pipelined data: keep sleeping

    def send(self, data):
        try:
            self.connection.sendall(data)
        except OSError:
            raise ClientGone()

    def head(self, resp, default_type, length=None, framing=None):
        """Write the status line and the headers."""
        status = int(resp.get("status", 200))
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [f"HTTP/1.1 {status} {resp.get('reason', phrase)}",
                 "Server: " + self.server_version,
                 "Date: " + email.utils.formatdate(usegmt=True)]
        given = {k.lower() for k in resp.get("headers", {})}
        for k, v in resp.get("headers", {}).items():
            for one in (v if isinstance(v, list) else [v]):
                if isinstance(one, dict) and "date_in" in one:
                    one = email.utils.formatdate(time.time() + one["date_in"],
                                                 usegmt=True)
                elif isinstance(one, str):
                    one = one.replace("{port}", str(self.server.server_port))
                lines.append(f"{k}: {one}")
        if "content-type" not in given and default_type:
            lines.append("Content-Type: " + default_type)
        if framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
        elif framing == "close":
            lines.append("Connection: close")
            self.close_connection = True
        if length is not None and "content-length" not in given:
            lines.append(f"Content-Length: {length}")
        if self.headers.get("Connection", "").lower() == "close":
            self.close_connection = True
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))

    def drop(self, how):
        """Close the connection at once (how == "reset": with a TCP RST)."""
        self.close_connection = True
        if how == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")
            with self.server.lock:
                self.server.resets.add(id(self.connection))
            return
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- the body forms --------------------------------------------------

    def respond(self, resp, body):
        try:
            self.wait(float(resp.get("delay", 0)))
            if resp.get("drop") and not any(k in resp for k in BODY_FORMS):
                self.drop(resp["drop"])
                return
            if "text" in resp:
                self.whole(resp, resp["text"].encode("utf-8"),
                           "text/plain; charset=utf-8")
            elif "json" in resp:
                self.whole(resp, dumps(resp["json"]).encode("utf-8"),
                           "application/json")
            elif "completion" in resp:
                self.whole(resp, dumps(completion_body(resp["completion"]))
                           .encode("utf-8"), "application/json")
            elif "parts" in resp:
                self.pieces(resp, resp["parts"])
            elif "stream" in resp:
                opt = resp["stream"]
                self.pieces(resp, sse_items(opt, opt.get("text", "")))
            elif "echo" in resp:
                self.echo(resp, body)
            elif "file" in resp:
                self.file(resp, resp["file"])
            elif "endless" in resp:
                self.endless(resp, resp["endless"])
        except ClientGone:
            self.close_connection = True

    def whole(self, resp, data, ctype):
        self.head(resp, ctype, length=len(data))
        self.send(data)

    def pieces(self, resp, items, ctype="text/event-stream"):
        """Send a parts list, one write per item, with the chosen framing."""
        framing = resp.get("framing", "chunked")
        blobs = []
        for it in items:
            if isinstance(it, str):
                blobs.append(it.encode("utf-8"))
            elif "bytes" in it:
                blobs.append(it["bytes"])
            elif "hex" in it:
                blobs.append(bytes.fromhex(it["hex"]))
            else:
                blobs.append(it)
        length = None
        if framing == "length":
            length = sum(len(b) for b in blobs if isinstance(b, bytes))
        self.head(resp, ctype, length=length, framing=framing)
        stamp = False
        for b in blobs:
            if isinstance(b, bytes):
                if not b:
                    continue    # an empty chunk would end a chunked body
                if framing == "chunked":
                    b = b"%x\r\n%s\r\n" % (len(b), b)
                if stamp:
                    self.stamp()
                    stamp = False
                self.send(b)
            elif "stamp" in b:
                stamp = True
            elif "delay" in b:
                self.wait(float(b["delay"]))
            elif "drop" in b:
                self.drop(b["drop"])
                return
            elif "hang" in b:
                self.close_connection = True
                self.wait(HANG_SECONDS)
                return
        if framing == "chunked":
            self.send(b"0\r\n\r\n")
        elif framing == "close":
            self.drop(True)

    def stamp(self):
        """Note the time of the write about to be made in --stamps."""
        t = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        srv = self.server
        if srv.stamps is not None:
            with srv.lock:
                srv.stamps.write(f"{t}\n")
                srv.stamps.flush()

    def file(self, resp, opt):
        """A file's bytes as an event stream, in large writes, at once."""
        path = opt["path"]
        data = self.server.files.get(path)
        if data is None:
            with open(path, "rb") as f:
                data = self.server.files[path] = f.read()
        n = int(opt.get("write", 65536))
        view = memoryview(data)
        self.head(resp, "text/event-stream", framing="chunked")
        for i in range(0, len(data), n):
            piece = view[i:i + n]
            self.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.send(b"0\r\n\r\n")

    def endless(self, resp, opt):
        """A body without end (see "endless" above), maybe compressed."""
        head = opt.get("head", "").encode("utf-8")
        fill = opt.get("fill", "\u0000").encode("utf-8") or b"\0"
        limit = int(opt.get("limit", 1 << 30))
        block = fill * max(1, int(opt.get("write", 1 << 20)) // len(fill))
        enc = opt.get("encoding")
        comp = None
        if enc:
            comp = zlib.compressobj(9, zlib.DEFLATED,
                                    31 if enc == "gzip" else 15)
            resp = dict(resp, headers={**resp.get("headers", {}),
                                       "Content-Encoding": enc})
        self.head(resp, opt.get("type", "application/json"),
                  framing="chunked")

        def put(data, last=False):
            if comp is not None:
                data = comp.compress(data) + comp.flush(
                    zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
            if data:
                self.send(b"%x\r\n%s\r\n" % (len(data), data))

        put(head)
        sent = len(head)
        while sent < limit:
            data = block[:limit - sent]
            put(data)
            sent += len(data)
        put(b"", last=True)
        self.send(b"0\r\n\r\n")

    def echo(self, resp, body):
        """Answer with the (transformed) last user message of the request."""
        opt = resp["echo"]
        self.wait(float(opt.get("delay", 0)))
        text = last_user_text(body)
        if text is None:
            err = {"error": {"code": 400, "message":
                             "mock echo: the request has no user message"}}
            self.whole({"status": 400}, dumps(err).encode("utf-8"),
                       "application/json")
            return
        how = opt.get("transform", "same")
        text = {"upper": text.upper, "lower": text.lower}.get(how, lambda: text)()
        stream = opt.get("stream")
        if stream is None:
            stream = bool(body.get("stream"))
        model = body.get("model") if isinstance(body.get("model"), str) else None
        # "think": seconds before the first token.  A stream says it is
        # working meanwhile (OpenRouter's keep-alive comments); a whole
        # answer is silent until it is written.
        think = float(opt.get("think", 0))
        if stream:
            sopt = {k: v for k, v in opt.items() if k in STREAM_KEYS}
            if model and "model" not in sopt:
                sopt["model"] = model
            alive = []
            while think > 0:
                alive += [": OPENROUTER PROCESSING\n\n",
                          {"delay": min(0.5, think)}]
                think -= 0.5
            self.pieces(resp, alive + sse_items(sopt, text))
        else:
            self.wait(think)
            words_in = len(json.dumps(body.get("messages", "")).split())
            usage = {"prompt_tokens": words_in,
                     "completion_tokens": len(text.split()),
                     "total_tokens": words_in + len(text.split())}
            spec = {"text": text, "usage": usage,
                    "finish_reason": opt.get("finish_reason", "stop")}
            if model:
                spec["model"] = model
            self.whole(resp, dumps(completion_body(spec)).encode("utf-8"),
                       "application/json")


def watch_parent(parent, deadline):
    """Exit when the process that started us is gone, or after deadline s."""
    end = time.monotonic() + deadline
    while os.getppid() == parent and time.monotonic() < end:
        time.sleep(0.5)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=900,
                    help="exit after this many seconds (a safety net)")
    ap.add_argument("--stamps", help="append the times of stamped writes")
    ap.add_argument("scenario")
    args = ap.parse_args()
    try:
        with open(args.scenario, encoding="utf-8") as f:
            scenario = json.load(f)
        check_scenario(scenario)
    except (OSError, ValueError, ScenarioError) as e:
        sys.exit(f"server.py: {args.scenario}: {e}")

    server = Server(scenario, args.log, args.stamps)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=watch_parent, args=(os.getppid(), args.lifetime),
                     daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, args.port_file)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
