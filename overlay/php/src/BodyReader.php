<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

use Psr\Http\Message\StreamInterface;

/**
 * Where curl writes an answer's body (Guzzle's `sink`): it decodes the Content-Encoding
 * itself, in small slices, and stops at `limit` decoded bytes, so a small gzip body that
 * inflates to gigabytes costs at most the limit plus one slice's output (curl is told
 * not to decode: `decode_content` false). It also stops when the call's deadline has
 * passed. To stop, `write` returns 0: curl then aborts the transfer (error 23), and the
 * reason is in `failure`.
 *
 * @internal
 */
final class BodyReader implements StreamInterface
{
    /** Compressed bytes inflated at a time: deflate expands at most ~1032:1, so one slice
     *  yields at most ~264 KiB before the limit is checked again. */
    private const SLICE = 256;

    private string $buffer = '';
    /** @var list<array{0: \InflateContext, 1: bool, 2: bool}> context, is gzip, seen data */
    private array $decoders = [];
    public ?string $failure = null; // 'too_large' | 'deadline' | 'decoding' | 'encoding'
    public string $encodingProblem = '';

    public function __construct(private readonly int $limit, private readonly ?float $deadline)
    {
    }

    /** Called (from Guzzle's on_headers) with the answer's Content-Encoding. */
    public function expectEncoding(string $contentEncoding): bool
    {
        $this->decoders = []; // the last header block is the answer's (after any 1xx)
        $codings = array_filter(array_map(fn ($c) => strtolower(trim($c)), explode(',', $contentEncoding)));
        foreach (array_reverse($codings) as $coding) {
            if ($coding === 'identity') {
                continue;
            }
            if (!in_array($coding, ['gzip', 'x-gzip', 'deflate'], true)) {
                $this->failure = 'encoding';
                $this->encodingProblem = $coding;
                return false;
            }
            $gzip = $coding !== 'deflate';
            $this->decoders[] = [inflate_init($gzip ? ZLIB_ENCODING_GZIP : ZLIB_ENCODING_DEFLATE), $gzip, false];
        }
        return true;
    }

    public function write($string): int
    {
        if ($this->failure !== null) {
            return 0;
        }
        if ($this->deadline !== null && Clock::now() > $this->deadline) {
            $this->failure = 'deadline';
            return 0;
        }
        try {
            $this->take($string, 0);
        } catch (\OverflowException) {
            $this->failure = 'too_large';
            $this->buffer = '';
            return 0;
        } catch (\UnexpectedValueException) {
            $this->failure = 'decoding';
            return 0;
        }
        return strlen($string);
    }

    /** Decode `data` through decoders from `level` on, appending what comes out. */
    private function take(string $data, int $level): void
    {
        if ($level === count($this->decoders)) {
            if (strlen($this->buffer) + strlen($data) > $this->limit) {
                throw new \OverflowException();
            }
            $this->buffer .= $data;
            return;
        }
        for ($offset = 0; $offset < strlen($data); $offset += self::SLICE) {
            $slice = substr($data, $offset, self::SLICE);
            $out = @inflate_add($this->decoders[$level][0], $slice, ZLIB_SYNC_FLUSH);
            if ($out === false && !$this->decoders[$level][1] && !$this->decoders[$level][2]) {
                // "deflate" is sometimes sent raw, without the zlib header.
                $this->decoders[$level][0] = inflate_init(ZLIB_ENCODING_RAW);
                $out = @inflate_add($this->decoders[$level][0], $slice, ZLIB_SYNC_FLUSH);
            }
            if ($out === false) {
                throw new \UnexpectedValueException();
            }
            $this->decoders[$level][2] = true;
            if ($out !== '') {
                $this->take($out, $level + 1);
            }
        }
    }

    public function contents(): string
    {
        return $this->buffer;
    }

    public function __toString(): string
    {
        return $this->buffer;
    }

    public function close(): void
    {
    }

    public function detach()
    {
        return null;
    }

    public function getSize(): ?int
    {
        return strlen($this->buffer);
    }

    public function tell(): int
    {
        return strlen($this->buffer);
    }

    public function eof(): bool
    {
        return true;
    }

    public function isSeekable(): bool
    {
        return false;
    }

    public function seek($offset, $whence = SEEK_SET): void
    {
        throw new \RuntimeException('the body reader is not seekable');
    }

    public function rewind(): void
    {
        // Guzzle rewinds a sink it can seek; this one is read through contents() only.
    }

    public function isWritable(): bool
    {
        return true;
    }

    public function isReadable(): bool
    {
        return false;
    }

    public function read($length): string
    {
        throw new \RuntimeException('read the body with contents()');
    }

    public function getContents(): string
    {
        return $this->buffer;
    }

    public function getMetadata($key = null)
    {
        return $key === null ? [] : null;
    }
}
