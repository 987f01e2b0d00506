"""HAR 1.2 files of API exchanges: written by the recorder (`eko-digilocker proxy
--record`), read back by the sandbox's replay (`eko-digilocker sandbox --replay`).

Secrets never reach the file: a header, query parameter or JSON body field whose name
says it holds a key (`SECRET_NAME`) is written as `REDACTED`, and so is every other
occurrence of such a value anywhere in the entry (a developer_key echoed in a URL or a
body). `secret-key-timestamp` is kept: it is not a secret, and it shows the clock skew
of each signed call. The file is valid JSON after every entry, so a proxy stopped by
any signal leaves a usable recording.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"
#: Names of headers, query parameters and body fields whose values are never written.
SECRET_NAME = re.compile(r"key|secret|token|passw|authori[sz]ation|cookie|signature", re.I)
#: Names that match SECRET_NAME but hold no secret.
NOT_SECRET = frozenset({"secret-key-timestamp"})
#: Values shorter than this are not searched for elsewhere in the entry (too likely to
#: match something innocent, and too short to be a key).
_MIN_SCRUBBED = 6
MIB = 1024 * 1024
#: The largest HAR file replay reads (`--max-har-mb`).
MAX_HAR_BYTES = 64 * MIB
#: The most JSON values (objects, arrays, strings, numbers, ...) replay parses in a HAR
#: file (`--max-har-values`): parsed, a value costs up to about 100 bytes, so a file of
#: tiny values (`[],[],...`) would take 25 times its size. A recorded exchange is about
#: 110 values, so the default holds 18,000 of them (the proxy records 10,000 by default).
MAX_HAR_VALUES = 2_000_000
#: The SHA-256 (hex) of the developer_key that made the request: replay serves an entry
#: only to that key, and the key itself never reaches the file.
DEVELOPER_FIELD = "_eko_developer_key_sha256"
_DEVELOPER_HEADER = "developer_key"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
#: Marks an answer the proxy made itself (upstream down, slow, too large): replay skips it.
PROXY_ANSWER_FIELD = "_eko_proxy_answer"


class HarError(ValueError):
    """A HAR file that cannot be read: one line saying where and why."""


def developer_fingerprint(developer_key: str | bytes) -> str:
    raw = developer_key.encode("latin-1") if isinstance(developer_key, str) else developer_key
    return hashlib.sha256(raw).hexdigest()


def is_secret_name(name: str) -> bool:
    return name.lower() not in NOT_SECRET and SECRET_NAME.search(name) is not None


@dataclass(frozen=True)
class Message:
    """One side of an exchange as it went over the wire."""

    headers: list[tuple[str, str]]
    body: bytes

    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return ""


@dataclass(frozen=True)
class Exchange:
    """A request, its answer, and what the recorder found about them."""

    started: datetime
    elapsed_ms: float
    method: str
    url: str
    request: Message
    status: int
    answer: Message
    findings: list[str]
    proxy_answer: bool = False


def _leaves(value: Any, secrets: set[str]) -> None:
    """Every string and number inside `value` (a secret-named field's), as a secret."""
    if isinstance(value, dict):
        for item in value.values():
            _leaves(item, secrets)
    elif isinstance(value, list):
        for item in value:
            _leaves(item, secrets)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        secrets.add(str(value))


def _redact_json(value: Any, secrets: set[str]) -> Any:
    if isinstance(value, dict):
        redacted: dict[str, Any] = {}
        for name, item in value.items():
            if is_secret_name(name) and item is not None:
                _leaves(item, secrets)  # whatever its type: a list, a number, an object
                redacted[name] = REDACTED
            else:
                redacted[name] = _redact_json(item, secrets)
        return redacted
    if isinstance(value, list):
        return [_redact_json(item, secrets) for item in value]
    if isinstance(value, str) and _URL_WITH_QUERY.match(value):
        return _redact_url(value, secrets)  # a consent URL's `token=` in data.url
    return value


#: An absolute URL with a query, as a JSON string value may hold (a consent URL).
_URL_WITH_QUERY = re.compile(r"https?://[^?\s]*\?", re.I)
_FORM = "application/x-www-form-urlencoded"


def _redact_form(text: str, secrets: set[str]) -> str:
    """A form-encoded body with the values of secret-named fields REDACTED."""
    fields = parse_qsl(text, keep_blank_values=True)
    named = [value for name, value in fields if is_secret_name(name)]
    if not named:
        return text
    secrets.update(named)
    return urlencode([(n, REDACTED if is_secret_name(n) else v) for n, v in fields], safe="")


def _content(message: Message, secrets: set[str]) -> dict[str, Any]:
    """HAR `content`/`postData` fields: text (JSON and form bodies with secret fields
    redacted) or, for bytes that are not UTF-8, base64."""
    mime = message.content_type()
    try:
        text = message.body.decode("utf-8")
    except UnicodeDecodeError:
        return {
            "mimeType": mime,
            "text": base64.b64encode(message.body).decode(),
            "encoding": "base64",
        }
    if mime.split(";")[0].strip().lower() == _FORM:
        return {"mimeType": mime, "text": _redact_form(text, secrets)}
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):  # kept as it came
        return {"mimeType": mime, "text": text}
    kept: set[str] = set()
    redacted = _redact_json(parsed, kept)
    if redacted != parsed:
        secrets.update(kept)
        text = json.dumps(redacted, ensure_ascii=False)
    return {"mimeType": mime, "text": text}


def _headers(headers: list[tuple[str, str]], secrets: set[str]) -> list[dict[str, str]]:
    written = []
    for name, value in headers:
        if is_secret_name(name):
            secrets.add(value)
            value = REDACTED
        written.append({"name": name, "value": value})
    return written


def _redact_url(url: str, secrets: set[str]) -> str:
    """`url` with the values of secret-named query parameters REDACTED."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, REDACTED if is_secret_name(name) else value) for name, value in query]
    if kept == query:
        return url
    secrets.update(value for name, value in query if is_secret_name(name))
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _cut(text: str, secret: str) -> str:
    """`text` with every occurrence of `secret` made REDACTED, and every piece of it at
    least _MIN_SCRUBBED long that starts the secret (what an excerpt cut at byte N keeps
    of it). A piece never ends inside a JSON escape: a backslash left open is taken too."""
    head = secret[:_MIN_SCRUBBED]
    out: list[str] = []
    done = 0
    found = text.find(head)
    while found >= 0:
        end = found + len(head)
        while end < len(text) and end - found < len(secret) and text[end] == secret[end - found]:
            end += 1
        start = found
        if _odd_backslashes(text, start):  # `\` + secret: the escape goes with it
            start -= 1
        out += (text[done:start], REDACTED)
        done = end
        found = text.find(head, end)
    out.append(text[done:])
    return "".join(out)


def _odd_backslashes(text: str, index: int) -> bool:
    count = 0
    while index - count > 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


#: A run of URL characters with percent-escapes in it (`%62%65...` is the key to a server).
#: Only from the start of a run (the lookbehind): matching from each character inside a
#: long run would scan the rest of it each time, quadratic in its length.
_PERCENT_RUN = re.compile(
    r"(?<![A-Za-z0-9._~+%-])[A-Za-z0-9._~+-]*(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+-]*)+"
)


def _redacted(text: str, secrets: list[str]) -> str:
    """`text` with each secret, its prefixes and its suffixes (`_cut` on the reversed
    text), also percent-encoded, made REDACTED."""

    def plain(text: str) -> str:
        for secret in secrets:
            text = _cut(text, secret)
            text = _cut(text[::-1], secret[::-1])[::-1].replace(REDACTED[::-1], REDACTED)
        return text

    def decoded(run: re.Match[str]) -> str:
        value = unquote(run[0])
        return REDACTED if plain(value) != value else run[0]

    if not secrets:
        return text
    text = plain(text)
    if "%" not in text or plain(unquote(text)) == unquote(text):
        return text  # no percent-encoded piece anywhere: no run to look at one by one
    return _PERCENT_RUN.sub(decoded, text)


def _forms(secrets: set[str]) -> list[str]:
    """The secrets worth searching for, longest first."""
    kept = {secret for secret in secrets if len(secret) >= _MIN_SCRUBBED and secret != REDACTED}
    return sorted(kept, key=len, reverse=True)


def without_secrets(text: str, headers: list[tuple[str, str]]) -> str:
    """`text` (a line the proxy prints, which may quote what the upstream sent) with the
    value of every secret header among `headers`, and any prefix or suffix of it of at
    least six characters (an excerpt's cut), written as REDACTED."""
    return _redacted(text, _forms({value for name, value in headers if is_secret_name(name)}))


def har_entry(exchange: Exchange) -> dict[str, Any]:
    """The HAR 1.2 entry of one exchange, with every secret redacted."""
    secrets: set[str] = set()
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": _redact_url(exchange.url, secrets),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(exchange.request.headers, secrets),
        "headersSize": -1,
        "bodySize": len(exchange.request.body),
    }
    if exchange.request.body:
        request["postData"] = _content(exchange.request, secrets)
    content = _content(exchange.answer, secrets)
    entry: dict[str, Any] = {
        "startedDateTime": exchange.started.isoformat(timespec="milliseconds"),
        "time": round(exchange.elapsed_ms, 3),
        "request": request,
        "response": {
            "status": exchange.status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(exchange.answer.headers, secrets),
            "content": {"size": len(exchange.answer.body), **content},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(exchange.answer.body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(exchange.elapsed_ms, 3), "receive": 0},
    }
    if exchange.findings:
        entry["comment"] = "\n".join(exchange.findings)
    if exchange.proxy_answer:
        entry[PROXY_ANSWER_FIELD] = True
    scrubbed = _scrub(entry, _forms(secrets))
    for name, value in exchange.request.headers:
        if name.lower() == _DEVELOPER_HEADER:  # after scrubbing, which never changes it
            scrubbed[DEVELOPER_FIELD] = developer_fingerprint(value)
            break
    return scrubbed


def _scrub(entry: dict[str, Any], secrets: list[str]) -> dict[str, Any]:
    """Every other occurrence of a redacted value (in URLs, bodies, comments) redacted too."""
    text = _replaced(json.dumps(entry, ensure_ascii=False), secrets)
    scrubbed: dict[str, Any] = json.loads(text)
    request = scrubbed["request"]
    # from the scrubbed URL: a value redacted there is redacted here, however encoded
    query = parse_qsl(urlsplit(request["url"]).query, keep_blank_values=True)
    request["queryString"] = [{"name": name, "value": value} for name, value in query]
    for body in (request.get("postData"), scrubbed["response"]["content"]):
        if body is not None:
            _scrub_body(body, secrets)
    return scrubbed


def _replaced(text: str, secrets: list[str]) -> str:
    """`text` (JSON) with each secret, as JSON writes it in a string, made REDACTED."""
    return _redacted(text, [json.dumps(secret, ensure_ascii=False)[1:-1] for secret in secrets])


def _scrub_body(body: dict[str, Any], secrets: list[str]) -> None:
    """The echoes a search of the entry's text cannot see: in a body kept in base64,
    written with JSON escapes (`\\u0064eveloper...`), which a reader decodes, or
    percent-encoded in a form."""
    if body.get("encoding") == "base64":
        raw = base64.b64decode(body["text"]).decode("latin-1")
        redacted = _redacted(raw, [secret.encode().decode("latin-1") for secret in secrets])
        body["text"] = base64.b64encode(redacted.encode("latin-1")).decode()
        return
    if body.get("mimeType", "").split(";")[0].strip().lower() == _FORM:
        fields = parse_qsl(body["text"], keep_blank_values=True)
        kept = [(name, _redacted(value, secrets)) for name, value in fields]
        if kept != fields:
            body["text"] = urlencode(kept, safe="")
        return
    try:
        decoded = json.dumps(json.loads(body["text"]), ensure_ascii=False)
    except (ValueError, RecursionError):
        return
    redacted = _replaced(decoded, secrets)
    if redacted != decoded:
        body["text"] = redacted


class HarWriter:
    """Appends entries to a HAR file, keeping it valid JSON after each one.

    Each entry is written once: the writer writes the entry followed by the closing
    brackets over the previous closing brackets, so an entry costs its own size, not
    the file's. A write that fails part way (a full disk) is undone: the closing
    brackets go back where the failed entry began and the file is cut there, in space
    the file already held, so every earlier entry stays readable. At most
    `max_entries` are written; `add` returns False beyond that.
    """

    _TRAILER = b"\n]}}\n"

    def __init__(self, path: Path, *, max_entries: int, creator_version: str) -> None:
        self.max_entries = max_entries
        self.count = 0
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        creator = {"name": "eko-digilocker proxy", "version": creator_version}
        head = f'{{"log":{{"version":"1.2","creator":{json.dumps(creator)},"entries":['
        self._end = 0
        try:
            self._write_at(head.encode() + self._TRAILER)
        except OSError:
            os.close(self._fd)
            raise
        self._end = len(head.encode())

    def _write_at(self, data: bytes) -> None:
        """`data` at `self._end`, whole (os.pwrite may write part of it), unbuffered so
        a failure leaves nothing pending to be flushed later."""
        written = 0
        while written < len(data):
            written += os.pwrite(self._fd, data[written:], self._end + written)
        os.ftruncate(self._fd, self._end + len(data))

    def add(self, exchange: Exchange) -> bool:
        """Write one entry; OSError (the file unchanged) when it cannot be written."""
        if self.count >= self.max_entries:
            return False
        data = (b",\n" if self.count else b"\n") + json.dumps(har_entry(exchange)).encode()
        try:
            self._write_at(data + self._TRAILER)
        except OSError:
            self._write_at(self._TRAILER)  # over the failed entry's first bytes
            raise
        self._end += len(data)
        self.count += 1
        return True

    def close(self) -> None:
        os.close(self._fd)


# --- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """One recorded exchange, as replay needs it."""

    method: str
    url: str
    query: list[tuple[str, str]]
    body: bytes
    status: int
    content_type: str
    answer: bytes
    #: `developer_fingerprint` of the key that made the request; None when unknown
    developer: str | None = None


#: Answers HTTP forbids a body (RFC 9110 6.4.1).
_NO_BODY = frozenset({204, 304})
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "an integer"}


def _field(node: Any, name: str, kind: type, where: str) -> Any:
    if not isinstance(node, dict) or not isinstance(node.get(name), kind):
        raise HarError(f"{where}.{name}: missing or not {_JSON_TYPES[kind]}")
    return node[name]


def _optional(node: dict[str, Any], name: str, kind: type, where: str) -> Any:
    """`node[name]`, None when it is absent; HarError when it is there as another kind."""
    value = node.get(name)
    if value is not None and not isinstance(value, kind):
        raise HarError(f"{where}.{name}: missing or not {_JSON_TYPES[kind]}")
    return value


def _body(content: Any, text_field: str, where: str) -> bytes:
    text = content.get(text_field, "") if isinstance(content, dict) else ""
    if not isinstance(text, str):
        raise HarError(f"{where}.{text_field}: not {_JSON_TYPES[str]}")
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except ValueError:
            raise HarError(f"{where}.{text_field}: not valid base64") from None
    return text.encode("utf-8", "surrogatepass")


def _developer(entry: dict[str, Any], request: dict[str, Any], where: str) -> str | None:
    """Who made the request: the proxy's fingerprint, or the developer_key header of a
    HAR another tool wrote without redacting it; None when neither says."""
    fingerprint: str | None = _optional(entry, DEVELOPER_FIELD, str, where)
    if fingerprint is not None:
        if not _SHA256_HEX.fullmatch(fingerprint):
            raise HarError(f"{where}.{DEVELOPER_FIELD}: not a SHA-256 in lower-case hex")
        return fingerprint
    headers = request.get("headers")
    for header in headers if isinstance(headers, list) else []:
        if isinstance(header, dict) and str(header.get("name", "")).lower() == _DEVELOPER_HEADER:
            value = header.get("value")
            if isinstance(value, str) and value and value != REDACTED:
                return developer_fingerprint(value)
    return None


def _recorded(entry: Any, where: str) -> Recorded:
    request = _field(entry, "request", dict, where)
    response = _field(entry, "response", dict, where)
    method = _field(request, "method", str, f"{where}.request")
    url = _field(request, "url", str, f"{where}.request")
    status = _field(response, "status", int, f"{where}.response")
    if not 200 <= status <= 599:  # a 1xx is never a whole answer, and cannot be replayed
        raise HarError(f"{where}.response.status: {status} is not a final HTTP status (200-599)")
    content = _field(response, "content", dict, f"{where}.response")
    answer = _body(content, "text", f"{where}.response.content")
    if answer and status in _NO_BODY:
        raise HarError(f"{where}.response.content.text: an HTTP {status} answer carries no body")
    mime = _optional(content, "mimeType", str, f"{where}.response.content")
    post = _optional(request, "postData", dict, f"{where}.request")
    try:
        query = urlsplit(url).query
    except ValueError as exc:
        raise HarError(f"{where}.request.url: not a URL ({exc})") from None
    return Recorded(
        developer=_developer(entry, request, where),
        method=method.upper(),
        url=url,
        query=parse_qsl(query, keep_blank_values=True),
        body=_body(post, "text", f"{where}.request.postData") if post else b"",
        status=status,
        content_type=mime or "application/json",
        answer=answer,
    )


#: A JSON string, escapes included: what `_values` leaves out before counting.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def _values(text: bytes, limit: int) -> int:
    """An upper bound of the number of JSON values in `text`, found without parsing it:
    outside strings, every value but the first follows a comma or opens a container.
    Counted in strings too first: only a count over `limit` costs a copy without them."""

    def counted(text: bytes) -> int:
        return text.count(b",") + text.count(b"[") + text.count(b"{") + 1

    values = counted(text)
    return values if values <= limit else counted(_JSON_STRING.sub(b"", text))


def read_har(
    path: Path, max_bytes: int = MAX_HAR_BYTES, max_values: int = MAX_HAR_VALUES
) -> list[Recorded]:
    """The exchanges of a HAR file, except those the proxy answered itself; HarError
    (one line naming the file and the place) for anything that is not HAR, a file over
    `max_bytes`, or one of more than `max_values` JSON values, counted before parsing
    (what parsing costs is bounded by the values, not by the bytes)."""
    try:
        with path.open("rb") as file:
            text = file.read(max_bytes + 1)  # bounded: a device or a growing file too
    except OSError as exc:
        raise HarError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(text) > max_bytes:
        raise HarError(f"{path}: more than {max_bytes / MIB:g} MiB (--max-har-mb)")
    if _values(text, max_values) > max_values:
        raise HarError(f"{path}: more than {max_values} JSON values (--max-har-values)")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise HarError(f"{path}: not JSON ({str(exc).splitlines()[0][:120]})") from None
    try:
        log = _field(document, "log", dict, "(file)")
        entries = _field(log, "entries", list, "log")
        return [
            _recorded(entry, f"log.entries[{index}]")
            for index, entry in enumerate(entries)
            if not (isinstance(entry, dict) and entry.get(PROXY_ANSWER_FIELD))
        ]
    except HarError as exc:
        raise HarError(f"{path}: {exc}") from None
