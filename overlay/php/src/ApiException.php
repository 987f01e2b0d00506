<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Eko answered with an envelope whose `status` is not 0 (or HTTP 403). Carries the
 * envelope's fields and the body, and `code`: Eko's error code, from `status` or
 * `response_status_id`, wherever Eko put it (null when neither holds one).
 */
class ApiException extends EkoException
{
    /**
     * @param array<string, string> $invalidParams
     * @param mixed $data the envelope's `data`, as decoded (arrays for objects)
     */
    public function __construct(
        /** The envelope's `message` as Eko sent it (getMessage() adds the status fields). */
        public readonly string $ekoMessage,
        public readonly int $httpStatus,
        public readonly mixed $status,
        public readonly mixed $responseStatusId = null,
        public readonly mixed $responseTypeId = null,
        public readonly array $invalidParams = [],
        public readonly mixed $data = null,
        public readonly string $body = '',
        public readonly ?int $ekoCode = null,
    ) {
        $shownStatus = json_encode($status);
        $shownId = json_encode($responseStatusId);
        parent::__construct("$ekoMessage (HTTP $httpStatus, status $shownStatus, response_status_id $shownId)", $ekoCode ?? 0);
    }
}
