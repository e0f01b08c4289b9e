#!/usr/bin/env python3
"""Write the HTTP error scenarios tests/scenarios/http-*.json (status x body shape); the other scenarios are written by hand."""

# Run it after changing the table below: python3 tests/mock/mkscenarios.py
# Every file is http-STATUS-SHAPE.json and answers every request with the
# same error, so a tool that retries sees it each time.  Each status has
# one distinctive message, the same in every shape, that tests can grep.

import json
import os

MESSAGES = {
    400: "invalid request: messages must not be empty (mock 400)",
    401: "no auth credentials found (mock 401)",
    402: "insufficient credits, add more at the billing page (mock 402)",
    403: "this key is not allowed to use this model (mock 403)",
    404: "no such model: mistralai/no-such-model (mock 404)",
    408: "request timed out upstream (mock 408)",
    413: "request entity too large (mock 413)",
    422: "unprocessable request (mock 422)",
    429: "rate limit exceeded (mock 429)",
    500: "internal server error (mock 500)",
    502: "bad gateway from the provider (mock 502)",
    503: "upstream overloaded (mock 503)",
    504: "gateway timeout upstream (mock 504)",
}

PHRASES = {400: "Bad Request", 401: "Unauthorized", 402: "Payment Required",
           403: "Forbidden", 404: "Not Found", 408: "Request Timeout",
           413: "Request Entity Too Large", 422: "Unprocessable Entity",
           429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out"}


def kind(status):
    """An error type name as the servers use them."""
    return {401: "authentication_error", 402: "payment_required",
            403: "permission_error", 404: "not_found_error",
            429: "rate_limit_error"}.get(
        status, "invalid_request_error" if status < 500 else "server_error")


def openrouter(status, msg):
    # OpenRouter: numeric code; metadata.raw holds the provider's own JSON
    # as a string.
    return {"json": {"error": {
        "code": status, "message": msg,
        "metadata": {"raw": json.dumps({"message": "provider said: " + msg},
                                       separators=(",", ":")),
                     "provider_name": "Mistral"}},
        "user_id": "user_mock"}}


def mistral(status, msg):
    # Mistral's API: a flat error object with a string code.
    return {"json": {"object": "error", "message": msg, "type": kind(status),
                     "param": None, "code": str(status * 10 + 1)}}


def message(status, msg):
    # Mistral's gateway (401, 429): only a message and a request id.
    return {"json": {"message": msg, "request_id": "req_mock_%d" % status}}


def detail(status, msg):
    # FastAPI-style servers, and Mistral for some errors.
    return {"json": {"detail": msg}}


def ollama(status, msg):
    # Ollama and vLLM (the OpenAI shape): error.message and error.type.
    return {"json": {"error": {"message": msg, "type": kind(status),
                               "param": None, "code": None}}}


def html(status, msg):
    # A proxy's error page: not JSON at all.
    title = "%d %s" % (status, PHRASES[status])
    page = ("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n"
            "<center><h1>%s</h1></center>\r\n<p>%s</p>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            % (title, title, msg))
    return {"headers": {"Content-Type": "text/html"}, "text": page}


SHAPES = {"openrouter": openrouter, "mistral": mistral, "message": message,
          "detail": detail, "ollama": ollama, "html": html}

EXTRAS = {
    "http-429-retry-after": (
        "429 with Retry-After: 1 (seconds), OpenRouter body",
        {"status": 429, "headers": {"Retry-After": "1"},
         **openrouter(429, MESSAGES[429])}),
    "http-429-retry-after-mistral": (
        "429 with Retry-After: 1 (seconds), Mistral gateway body",
        {"status": 429, "headers": {"Retry-After": "1"},
         **message(429, MESSAGES[429])}),
    "http-429-retry-after-date": (
        "429 with Retry-After as an HTTP date 2 s ahead, OpenRouter body",
        {"status": 429, "headers": {"Retry-After": {"date_in": 2}},
         **openrouter(429, MESSAGES[429])}),
    "http-422-detail-array": (
        "422 from a FastAPI server: detail is a list of extra_forbidden errors",
        {"status": 422, "json": {"detail": [
            {"type": "extra_forbidden", "loc": ["body", "stream_options"],
             "msg": "Extra inputs are not permitted",
             "input": {"include_usage": True}},
            {"type": "extra_forbidden", "loc": ["body", "seed"],
             "msg": "Extra inputs are not permitted", "input": 42}]}}),
    "http-422-mistral-extra-forbidden": (
        "422 from Mistral's API: message is an object holding a detail list",
        {"status": 422, "json": {
            "object": "error",
            "message": {"detail": [
                {"type": "extra_forbidden", "loc": ["body", "usage"],
                 "msg": "Extra inputs are not permitted",
                 "input": {"include": True}}]},
            "type": "invalid_request_error", "param": None, "code": None}}),
    "http-403-openrouter-moderation": (
        "403 from OpenRouter's moderation: metadata has reasons, no raw",
        {"status": 403, "json": {"error": {
            "code": 403,
            "message": "input was flagged by moderation (mock 403)",
            "metadata": {"reasons": ["harassment"],
                         "flagged_input": "the flagged words...",
                         "provider_name": "Mistral",
                         "model_slug": "mistralai/mistral-small"}}}}),
    "http-500-text": (
        "500 with a text/plain body that is not JSON",
        {"status": 500, "text": "Internal Server Error (mock 500 text)\n"}),
    "http-502-empty": (
        "502 with an empty body",
        {"status": 502, "text": ""}),
    "http-400-openrouter-raw-not-json": (
        "400 from OpenRouter whose metadata.raw is plain text, not JSON",
        {"status": 400, "json": {"error": {
            "code": 400, "message": "Provider returned error (mock 400 raw)",
            "metadata": {"raw": "context length exceeded: 40000 > 32768",
                         "provider_name": "Mistral"}}}}),
}


def write(path, description, response):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"description": description, "responses": [response]}, f,
                  indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "scenarios")
    os.makedirs(out, exist_ok=True)
    for status, msg in MESSAGES.items():
        for name, shape in SHAPES.items():
            write(os.path.join(out, "http-%d-%s.json" % (status, name)),
                  "HTTP %d with an error body in the %s shape: '%s'" % (status, name, msg),
                  {"status": status, **shape(status, msg)})
    for name, (description, response) in EXTRAS.items():
        write(os.path.join(out, name + ".json"), description, response)


if __name__ == "__main__":
    main()
