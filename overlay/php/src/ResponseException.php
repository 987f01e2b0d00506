<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The answer is not a valid Eko envelope (HTML, empty, bad JSON, duplicate keys, a
 * non-integer `status`, a success that breaks the spec's schemas) or has an HTTP status
 * the spec does not list. `httpStatus` is null when no status line came with it.
 */
class ResponseException extends EkoException
{
    /** Characters of an unreadable body kept, and shown in the message. */
    public const KEPT_BODY = 2000;
    public const BODY_EXCERPT = 200;

    public readonly string $body;

    public function __construct(public readonly string $reason, public readonly ?int $httpStatus, string $body = '')
    {
        $this->body = substr($body, 0, self::KEPT_BODY);
        $excerpt = substr($body, 0, self::BODY_EXCERPT) . (strlen($body) > self::BODY_EXCERPT ? '...' : '');
        $where = $httpStatus === null ? '' : "HTTP $httpStatus, ";
        parent::__construct("$reason ({$where}body " . json_encode($excerpt, JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES) . ')');
    }
}
