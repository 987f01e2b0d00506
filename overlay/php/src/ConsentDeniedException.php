<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The session reports CONSENT_DENIED: the customer declined; the session is over. */
class ConsentDeniedException extends ApiException
{
}
