<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** What createDigilockerUrl returns: send the customer to `url`, keep `referenceId`. */
final class DigilockerSession extends Answer
{
    public readonly int $referenceId;
    public readonly string $url;

    public function __construct(\stdClass $envelope, int $attempts, ?string $clientRefId)
    {
        parent::__construct($envelope, $attempts, $clientRefId);
        $this->referenceId = $this->data['reference_id'];
        $this->url = $this->data['url'];
    }
}
