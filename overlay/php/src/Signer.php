<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Eko's request signature: `secret-key` = base64(HMAC-SHA256(key = base64(access_key),
 * message = the timestamp string sent in `secret-key-timestamp`)). The HMAC key is the
 * ASCII of the base64 *string* of the access key, not decoded back.
 *
 * Timestamps (milliseconds since the epoch) strictly increase within one Signer, so every
 * attempt, retries included, carries a fresh signature a replay check accepts.
 */
final class Signer
{
    private int $last = 0;

    public function __construct(private readonly string $developerKey, #[\SensitiveParameter] private readonly string $accessKey)
    {
    }

    public static function secretKey(#[\SensitiveParameter] string $accessKey, string $timestamp): string
    {
        return base64_encode(hash_hmac('sha256', $timestamp, base64_encode($accessKey), true));
    }

    /** The clock, or one millisecond past the last stamp when the clock has not moved. */
    public function nextTimestamp(): int
    {
        $this->last = max((int) floor(microtime(true) * 1000), $this->last + 1);
        return $this->last;
    }

    /** @return array<string, string> the three signing headers for a fresh timestamp */
    public function headers(): array
    {
        $stamp = (string) $this->nextTimestamp();
        return [
            'developer_key' => $this->developerKey,
            'secret-key' => self::secretKey($this->accessKey, $stamp),
            'secret-key-timestamp' => $stamp,
        ];
    }

    public function __debugInfo(): array
    {
        return ['developerKey' => Settings::mask($this->developerKey), 'accessKey' => '***'];
    }
}
