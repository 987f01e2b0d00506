<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** HTTP 403: Eko rejected the signature, the timestamp or the developer_key. */
class AuthenticationException extends ApiException
{
}
