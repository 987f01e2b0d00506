<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** An authenticated session's status answer (a pending, denied or expired one is an exception). */
final class VerificationStatus extends Answer
{
    /** @return list<string> the documents the session requested, if the answer says */
    public function documentsRequested(): array
    {
        $documents = $this->data['document_requested'] ?? null;
        return is_array($documents) ? array_values(array_map('strval', $documents)) : [];
    }
}
