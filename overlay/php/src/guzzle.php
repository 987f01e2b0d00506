<?php

// Guzzle 7 is this package's HTTP client. Composer installs it when the project requires
// guzzlehttp/guzzle; without Packagist (an offline Debian machine) Debian's
// php-guzzlehttp-guzzle provides it, and its autoloader is loaded here when no Guzzle is
// autoloadable yet. EkoClient names both ways when neither is there.

declare(strict_types=1);

if (!class_exists(\GuzzleHttp\Client::class)) {
    $debian = '/usr/share/php/GuzzleHttp/autoload.php';
    if (is_file($debian)) {
        require_once $debian;
    }
}
