<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** Base of every exception this package throws. */
class EkoException extends \RuntimeException
{
}
