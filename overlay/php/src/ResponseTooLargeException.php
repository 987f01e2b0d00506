<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The answer's body, decompressed, is larger than max_response_bytes; reading stopped there. */
class ResponseTooLargeException extends ResponseException
{
}
