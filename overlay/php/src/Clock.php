<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The monotonic clock deadlines are measured on (seconds); the wall clock only signs.
 *
 * @internal
 */
final class Clock
{
    public static function now(): float
    {
        return hrtime(true) / 1e9;
    }

    /** Sleep `seconds`. */
    public static function sleep(float $seconds): void
    {
        if ($seconds > 0) {
            usleep((int) round($seconds * 1e6));
        }
    }
}
