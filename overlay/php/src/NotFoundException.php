<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** Code 463 (or Eko's unknown-reference message): no session for this reference. */
class NotFoundException extends ApiException
{
}
