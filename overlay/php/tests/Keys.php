<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

/** Eko's published public UAT keys (the sandbox's default pair). */
final class Keys
{
    public const UAT = [
        'developer_key' => 'becbbce45f79c6f5109f848acd540567',
        'access_key' => 'd2fe1d99-6298-4af2-8cc5-d97dcf46df30',
        'initiator_id' => '9962981729',
        'user_code' => '20810200',
    ];
}
