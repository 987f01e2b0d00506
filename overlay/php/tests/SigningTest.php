<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

use Eko\DigiLocker\Signer;
use PHPUnit\Framework\TestCase;

final class SigningTest extends TestCase
{
    public function testEverySigningVectorOfTheRepository(): void
    {
        $file = __DIR__ . '/../../../tests/vectors/signing.json';
        $vectors = json_decode((string) file_get_contents($file), true)['vectors'];
        self::assertNotEmpty($vectors);
        foreach ($vectors as $vector) {
            self::assertSame($vector['secret_key'], Signer::secretKey($vector['access_key'], $vector['timestamp']), $vector['name']);
        }
    }

    public function testTimestampsStrictlyIncreaseAndFollowTheClock(): void
    {
        $signer = new Signer('developer', 'access');
        $stamps = array_map(fn () => (int) $signer->headers()['secret-key-timestamp'], range(1, 50));
        for ($i = 1; $i < count($stamps); $i++) {
            self::assertGreaterThan($stamps[$i - 1], $stamps[$i]);
        }
        self::assertEqualsWithDelta(microtime(true) * 1000, $stamps[0], 5000);
    }

    public function testTheAccessKeyIsNotShownWhenDumped(): void
    {
        $dump = print_r(new Signer('becbbce45f79c6f5109f848acd540567', 'd2fe1d99-6298-4af2-8cc5-d97dcf46df30'), true);
        self::assertStringNotContainsString('d2fe1d99', $dump);
        self::assertStringNotContainsString('becbbce45f79c6f5', $dump);
    }
}
