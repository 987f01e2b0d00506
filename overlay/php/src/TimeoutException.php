<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The call's deadline passed (or a phase of an attempt timed out) before a complete answer came. */
class TimeoutException extends ConnectionException
{
}
