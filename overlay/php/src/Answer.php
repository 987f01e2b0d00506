<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * A success answer: `data` as arrays (what an application reads), plus the envelope's
 * other fields and how many attempts the call took. `dataJson()` gives `data` back as
 * JSON with `{}` and `[]` kept apart.
 */
abstract class Answer
{
    /** @var array<string, mixed> */
    public readonly array $data;
    public readonly ?string $message;

    public function __construct(private readonly \stdClass $envelope, public readonly int $attempts, public readonly ?string $clientRefId)
    {
        $this->data = (array) json_decode(json_encode($envelope->data ?? new \stdClass()), true);
        $this->message = is_string($envelope->message ?? null) ? $envelope->message : null;
    }

    public function dataJson(): string
    {
        return json_encode($this->envelope->data ?? new \stdClass(), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
    }
}
