<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The session reports EXPIRED: it is over and will not complete. */
class SessionExpiredException extends NotFoundException
{
}
