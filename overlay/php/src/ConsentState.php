<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The spec's SessionState values, plus TIMED_OUT: the client's own, for a wait that
 * ended before the session did (a test checks the cases stay those of the spec).
 */
enum ConsentState: string
{
    case PENDING = 'PENDING';
    case AUTHENTICATED = 'AUTHENTICATED';
    case EXPIRED = 'EXPIRED';
    case CONSENT_DENIED = 'CONSENT_DENIED';
    case TIMED_OUT = 'TIMED_OUT'; // we stopped waiting; the session may still complete
}
