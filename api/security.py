"""Security middleware: response headers, a deliberate CORS policy, and a cap on request bodies.

Pure ASGI, installed outermost (api/main.py), so cached replays, errors and 404s get the same headers.

* Every response: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy``,
  and a ``Content-Security-Policy`` fit for the HTML pages (own origin only, inline styles, no inline
  scripts, no framing); the interactive API docs (/docs, /redoc) load Swagger/ReDoc from their CDN
  and get a policy naming it.
* CORS: reads and SPARQL (GET, HEAD, POST) from any origin, **without credentials**: every answer
  but the write route's carries ``Access-Control-Allow-Origin: *``, whether or not the request named an
  Origin, so an answer never varies by Origin and a shared cache (``Cache-Control: public``) may hand
  it to any page. The write route (``/evidence``) never gets CORS headers, and a preflight for it is
  refused, so browsers cannot call it from another origin.
* A request body larger than ``max_body`` bytes is refused with 413 before the route reads it (by
  ``Content-Length``, and by counting when the body is chunked).
"""

from __future__ import annotations

import json

WRITE_PREFIXES = ("/evidence",)
PAGE_CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
            "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
CORS_METHODS = "GET, HEAD, POST, OPTIONS"
CORS_HEADERS = "Accept, Content-Type, If-None-Match"
CORS_EXPOSE = "ETag, Content-Type, Content-Length, Link, Location, Vary"


def _static_headers(path: str) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path.startswith(DOCS_PATHS) else PAGE_CSP
    return [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"content-security-policy", csp.encode()),
            (b"cross-origin-opener-policy", b"same-origin")]


def _is_write(path: str) -> bool:
    return path.startswith(WRITE_PREFIXES)


async def _send_json(send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class SecurityMiddleware:
    def __init__(self, app, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        headers = dict(scope["headers"])
        origin = headers.get(b"origin")
        cors = not _is_write(path)
        extra = _static_headers(path)
        if cors:
            extra += [(b"access-control-allow-origin", b"*"),
                      (b"access-control-expose-headers", CORS_EXPOSE.encode())]

        preflight = b"access-control-request-method" in headers
        if scope["method"] == "OPTIONS" and origin is not None and preflight:
            if not cors:
                return await _send_json(send, 403, "cross-origin requests to the write route are not allowed",
                                        extra)
            requested = headers[b"access-control-request-method"].decode("latin-1").upper()
            if requested not in {"GET", "HEAD", "POST"}:
                return await _send_json(send, 403, f"method {requested} is not allowed cross-origin", extra)
            await send({"type": "http.response.start", "status": 204, "headers": [
                *extra, (b"access-control-allow-methods", CORS_METHODS.encode()),
                (b"access-control-allow-headers", CORS_HEADERS.encode()),
                (b"access-control-max-age", b"86400"), (b"vary", b"Origin")]})
            await send({"type": "http.response.body", "body": b""})
            return

        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_large = int(length) > self.max_body
            except ValueError:
                return await _send_json(send, 400, "invalid Content-Length", extra)
            if too_large:
                return await _send_json(send, 413, f"the request body is larger than {self.max_body} bytes",
                                        extra)

        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        async def send_with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *(h for h in extra if h[0] not in names)]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, f"the request body is larger than {self.max_body} bytes", extra)
