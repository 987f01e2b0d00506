<?php

// The package's own tests and the conformance runner load it as Composer's autoloader
// would (PSR-4 Eko\DigiLocker\ => src/, plus src/guzzle.php), without a vendor/ folder.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    foreach (['Eko\\DigiLocker\\Tests\\' => __DIR__ . '/', 'Eko\\DigiLocker\\' => __DIR__ . '/../src/'] as $prefix => $folder) {
        if (str_starts_with($class, $prefix)) {
            $file = $folder . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});
require_once __DIR__ . '/../src/guzzle.php';
