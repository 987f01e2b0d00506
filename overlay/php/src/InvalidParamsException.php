<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** Eko's own validation error (461 or `invalid_params`): invalidParams names each refused field. */
class InvalidParamsException extends ApiException
{
}
