"""Read an answer's body within a byte limit and the call's deadline.

The limit counts decoded bytes, so a small gzip body that inflates to gigabytes stops at
the limit: the client decodes the raw stream itself, never producing more than the
limit plus one byte, instead of letting httpx inflate each chunk whole.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator

import httpx

from .policy import DEFAULTS

# The spec's `x-eko-client` `max_response_bytes` (1 MiB): Eko's answers are small JSON
# envelopes (a document with a photo is the largest, tens of kilobytes).
DEFAULT_MAX_RESPONSE_BYTES = DEFAULTS.max_response_bytes
# The encodings the client asks for in Accept-Encoding and can decode within the limit.
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    """The decoded body is over the limit."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding the client did not ask for."""


class _Inflater:
    """One zlib stream (gzip or deflate), inflated at most `room` bytes at a time."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._first = True
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)

    def stream(self, chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
        for chunk in chunks:
            yield from self.feed(chunk, limit)

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        while data:
            try:
                out = self._inflate.decompress(data, limit + 1)
            except zlib.error:
                if self._gzip or not self._first:
                    raise
                # "deflate" is sometimes sent raw, without the zlib header (as httpx allows).
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inflate.decompress(data, limit + 1)
            self._first = False
            yield out
            data = self._inflate.unconsumed_tail


def _decoders(response: httpx.Response) -> list[_Inflater]:
    """The decoders for the Content-Encoding, in the order to apply them."""
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    decoders = []
    for coding in reversed([c for c in codings if c and c != "identity"]):
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding(coding)
        decoders.append(_Inflater(coding))
    return decoders


class _Reader:
    def __init__(self, response: httpx.Response, limit: int, deadline: float | None) -> None:
        self.decoders = _decoders(response)
        self.limit = limit
        self.deadline = deadline
        # One growing buffer, not a list of the chunks: a body sent in 1-byte chunks
        # would otherwise be a million small objects (40 bytes each, and pinning the
        # allocator's pools: 1 MiB so cost over 100 MiB of memory).
        self.buffer = bytearray()

    def take(self, raw: bytes) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise httpx.ReadTimeout("the call's deadline passed while reading the body")
        # Lazily, so no decoder produces more than limit + 1 bytes before the check.
        chunks: Iterable[bytes] = (raw,)
        for decoder in self.decoders:
            chunks = decoder.stream(chunks, self.limit)
        for chunk in chunks:
            if len(self.buffer) + len(chunk) > self.limit:
                raise BodyTooLarge(self.limit)
            self.buffer += chunk

    def body(self) -> bytes:
        return bytes(self.buffer)


def _in_memory(response: httpx.Response, limit: int) -> bytes | None:
    """The body of a response made in memory (a MockTransport's), checked against the limit."""
    if not hasattr(response, "_content"):
        return None
    if len(response.content) > limit:
        raise BodyTooLarge(limit)
    return response.content


def read(response: httpx.Response, limit: int, deadline: float | None) -> bytes:
    """The decoded body of a streamed response, at most `limit` bytes; it stays readable
    as `response.content` / `.text` / `.json()`."""
    done = _in_memory(response, limit)
    if done is not None:
        return done
    reader = _Reader(response, limit, deadline)
    try:
        for raw in response.iter_raw():
            reader.take(raw)
    except zlib.error as exc:
        raise httpx.DecodingError(f"body could not be decoded: {exc}") from None
    finally:
        response.close()
    response._content = body = reader.body()  # what httpx's own read() would set
    return body


async def aread(response: httpx.Response, limit: int, deadline: float | None) -> bytes:
    done = _in_memory(response, limit)
    if done is not None:
        return done
    reader = _Reader(response, limit, deadline)
    try:
        raw_chunks: AsyncIterator[bytes] = response.aiter_raw()
        async for raw in raw_chunks:
            reader.take(raw)
    except zlib.error as exc:
        raise httpx.DecodingError(f"body could not be decoded: {exc}") from None
    finally:
        await response.aclose()
    response._content = body = reader.body()
    return body
