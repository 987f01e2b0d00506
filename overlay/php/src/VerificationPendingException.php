<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** Code 327, or a PENDING session state: the customer has not completed the journey. */
class VerificationPendingException extends ApiException
{
}
