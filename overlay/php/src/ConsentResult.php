<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * How waitForConsent ended: AUTHENTICATED with the status answer, CONSENT_DENIED or
 * EXPIRED with the answer's exception (ConsentDeniedException, SessionExpiredException),
 * or TIMED_OUT with the last pending answer's exception, if any.
 */
final class ConsentResult
{
    public function __construct(
        public readonly ConsentState $state,
        public readonly ?VerificationStatus $details = null,
        public readonly ?ApiException $error = null,
    ) {
    }

    public function authenticated(): bool
    {
        return $this->state === ConsentState::AUTHENTICATED;
    }
}
