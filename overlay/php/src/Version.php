<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/** The package version: composer.json's `version`, which `make generate` writes from the spec's info.version. */
final class Version
{
    private static ?string $version = null;

    public static function get(): string
    {
        if (self::$version === null) {
            $manifest = json_decode((string) file_get_contents(__DIR__ . '/../composer.json'), true);
            self::$version = is_string($manifest['version'] ?? null) ? $manifest['version'] : 'unknown';
        }
        return self::$version;
    }

    public static function userAgent(): string
    {
        $guzzle = defined('GuzzleHttp\ClientInterface::MAJOR_VERSION') ? \GuzzleHttp\ClientInterface::MAJOR_VERSION : '?';
        return sprintf('eko-digilocker-php/%s guzzle/%s PHP/%s', self::get(), $guzzle, PHP_VERSION);
    }
}
