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


# Raw chunks are handed to httpx in pieces of at least this size: a body sent a byte at
# a time would otherwise be a million small objects (40 bytes each, and pinning the
# allocator's pools: 1 MiB so cost over 100 MiB of memory).
PIECE = 64 * 1024


class _Check:
    """Checks each raw chunk before httpx reads it: the deadline, and the size it
    decodes to (counted by our own inflaters, which never make more than the limit plus
    one byte), so httpx's own decoding, which inflates a chunk whole, stays bounded."""

    def __init__(self, response: httpx.Response, limit: int, deadline: float | None) -> None:
        self.decoders = _decoders(response)
        self.limit = limit
        self.deadline = deadline
        self.size = 0
        self.pending = bytearray()

    def take(self, raw: bytes) -> bytes | None:
        """`raw` checked; a piece for httpx once enough has gathered."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise httpx.ReadTimeout("the call's deadline passed while reading the body")
        if not self.decoders:  # the common case, and a body sent a byte at a time
            self.size += len(raw)
        else:  # lazily, so no decoder makes more than limit + 1 bytes before the check
            chunks: Iterable[bytes] = (raw,)
            for decoder in self.decoders:
                chunks = decoder.stream(chunks, self.limit)
            for chunk in chunks:
                self.size += len(chunk)
                if self.size > self.limit:
                    raise BodyTooLarge(self.limit)
        if self.size > self.limit:
            raise BodyTooLarge(self.limit)
        self.pending += raw
        return self.rest() if len(self.pending) >= PIECE else None

    def rest(self) -> bytes:
        piece = bytes(self.pending)
        self.pending.clear()
        return piece


class _Checked(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, check: _Check) -> None:
        self.stream = stream
        self.check = check

    def close(self) -> None:  # hands the connection back to the pool
        self.stream.close()

    def __iter__(self) -> Iterator[bytes]:
        for raw in self.stream:
            piece = self.check.take(raw)
            if piece is not None:
                yield piece
        yield self.check.rest()


class _AsyncChecked(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, check: _Check) -> None:
        self.stream = stream
        self.check = check

    async def aclose(self) -> None:  # hands the connection back to the pool
        await self.stream.aclose()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for raw in self.stream:
            piece = self.check.take(raw)
            if piece is not None:
                yield piece
        yield self.check.rest()


def _in_memory(response: httpx.Response, limit: int) -> bytes | None:
    """The body of a response made in memory (a MockTransport's), checked against the limit."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None
    if len(content) > limit:
        raise BodyTooLarge(limit)
    return content


def read(response: httpx.Response, limit: int, deadline: float | None) -> bytes:
    """The decoded body of a streamed response, at most `limit` bytes; it stays readable
    as `response.content` / `.text` / `.json()`."""
    done = _in_memory(response, limit)
    if done is not None:
        return done
    stream = response.stream
    assert isinstance(stream, httpx.SyncByteStream)
    response.stream = _Checked(stream, _Check(response, limit, deadline))
    try:
        return response.read()
    except zlib.error as exc:
        raise httpx.DecodingError(f"body could not be decoded: {exc}") from None
    finally:
        response.close()


async def aread(response: httpx.Response, limit: int, deadline: float | None) -> bytes:
    done = _in_memory(response, limit)
    if done is not None:
        return done
    stream = response.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    response.stream = _AsyncChecked(stream, _Check(response, limit, deadline))
    try:
        return await response.aread()
    except zlib.error as exc:
        raise httpx.DecodingError(f"body could not be decoded: {exc}") from None
    finally:
        await response.aclose()
