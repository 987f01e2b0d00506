<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** A missing or invalid setting or option; no request was made. */
class ConfigurationException extends EkoException
{
}
