<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Why one attempt got no usable answer: the retry rules judge it (`sent`: whether any
 * byte of the request may have reached the server), then the client raises the
 * EkoException it stands for.
 *
 * @internal
 */
final class AttemptFailure extends \RuntimeException
{
    public const TIMEOUT = 'timeout';
    public const CONNECT = 'connect';          // nothing sent
    public const DROPPED = 'dropped';          // the connection failed after sending
    public const CERTIFICATE = 'certificate';  // TLS verification: never retried
    public const TOO_LARGE = 'too_large';
    public const DECODING = 'decoding';
    public const ENCODING = 'encoding';

    public function __construct(public readonly string $kind, public readonly bool $sent, string $detail)
    {
        parent::__construct($detail);
    }
}
