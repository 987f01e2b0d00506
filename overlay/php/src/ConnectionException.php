<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The request could not be completed (refused, reset, dropped, TLS refused). */
class ConnectionException extends EkoException
{
}
