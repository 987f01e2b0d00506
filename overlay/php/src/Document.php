<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The verified documents (`verification_status` SUCCESS, or a value Eko adds later). */
final class Document extends Answer
{
    public readonly ?string $verificationStatus;
    /** @var list<array<string, mixed>> */
    public readonly array $documents;

    public function __construct(\stdClass $envelope, int $attempts, ?string $clientRefId)
    {
        parent::__construct($envelope, $attempts, $clientRefId);
        $this->verificationStatus = is_string($this->data['verification_status'] ?? null) ? $this->data['verification_status'] : null;
        $this->documents = is_array($this->data['documents'] ?? null) ? array_values($this->data['documents']) : [];
    }
}
