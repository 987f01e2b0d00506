<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * One prepared call: what to send (the same bytes on every attempt) and the policy it
 * is sent under.
 *
 * @internal
 */
final class Call
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly string $name,
        public readonly string $operationId,
        public readonly string $method,
        public readonly string $target,
        public readonly array $headers,
        public readonly ?string $body,
        public readonly ?string $clientRefId,
        public readonly Policy $policy,
    ) {
    }
}
