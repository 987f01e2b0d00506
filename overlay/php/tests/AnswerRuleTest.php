<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

use Eko\DigiLocker\Answers;
use Eko\DigiLocker\ConsentDeniedException;
use Eko\DigiLocker\Json;
use Eko\DigiLocker\ResponseException;
use Eko\DigiLocker\SessionExpiredException;
use PHPUnit\Framework\TestCase;

/** The closed answer rule's PHP-specific traps; the whole corpus is `make conformance`'s. */
final class AnswerRuleTest extends TestCase
{
    private const CREATE = '{"status":0,"message":"ok","data":{"reference_id":%s,"url":"https://x.test/"}}';

    public function testADuplicateKeyAnywhereIsNotJson(): void
    {
        self::assertFalse(Json::decode('{"status":0,"status":1}')['ok']);
        self::assertFalse(Json::decode('{"a":{"b":1,"\u0062":2}}')['ok']);
        self::assertTrue(Json::decode('{"a":[{"b":1},{"b":2}],"b":"\"b\""}')['ok']);
    }

    public function testOnlyIntegerTokensAreIntegers(): void
    {
        foreach (['0.0', '1e0', '-0.0', '0E0'] as $status) {
            $this->expectMalformed("{\"status\":$status,\"message\":\"ok\",\"data\":{\"reference_id\":1,\"url\":\"https://x.test/\"}}");
        }
        $this->expectMalformed(sprintf(self::CREATE, '1.0'));
        $this->expectMalformed(sprintf(self::CREATE, '"12"'));
    }

    public function testReferenceIdsAreExactInt64From1(): void
    {
        self::assertSame(PHP_INT_MAX, Answers::read('createDigilockerUrl', 200, sprintf(self::CREATE, '9223372036854775807'))->data->reference_id);
        self::assertSame(3000000001, Answers::read('createDigilockerUrl', 200, sprintf(self::CREATE, '3000000001'))->data->reference_id);
        $this->expectMalformed(sprintf(self::CREATE, '9223372036854775808'));
        $this->expectMalformed(sprintf(self::CREATE, '0'));
    }

    public function testDeniedAndExpiredSessionsHaveTheirOwnTypes(): void
    {
        $answer = '{"status":1,"response_status_id":-1,"message":"x","data":{"session_status":"%s"}}';
        try {
            Answers::read('getDigilockerVerificationStatus', 200, sprintf($answer, 'CONSENT_DENIED'));
            self::fail('no exception');
        } catch (ConsentDeniedException $denied) {
            self::assertSame(200, $denied->httpStatus);
        }
        $this->expectException(SessionExpiredException::class);
        Answers::read('getDigilockerVerificationStatus', 200, sprintf($answer, 'EXPIRED'));
    }

    private function expectMalformed(string $body): void
    {
        try {
            Answers::read('createDigilockerUrl', 200, $body);
            self::fail("read as a success: $body");
        } catch (ResponseException $malformed) {
            self::assertSame(200, $malformed->httpStatus);
        }
    }
}
