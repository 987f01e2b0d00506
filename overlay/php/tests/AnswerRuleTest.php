<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

use Eko\DigiLocker\Answers;
use Eko\DigiLocker\ConsentDeniedException;
use Eko\DigiLocker\Json;
use Eko\DigiLocker\ResponseException;
use Eko\DigiLocker\Schema;
use Eko\DigiLocker\SessionExpiredException;
use Eko\DigiLocker\Spec;
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

    public function testTheValidatorKnowsEveryKeywordTheSpecsSchemasUse(): void
    {
        $used = [];
        $walk = function (mixed $schema) use (&$walk, &$used): void {
            if (!is_array($schema)) {
                return;
            }
            foreach ($schema as $keyword => $value) {
                $used[$keyword] = true;
                if ($keyword === 'properties') {
                    array_map($walk, $value);
                } elseif (in_array($keyword, ['items', 'additionalProperties'], true)) {
                    $walk($value);
                }
            }
        };
        array_map($walk, Spec::document()['components']['schemas']);
        $unknown = array_diff(array_keys($used), Schema::KEYWORDS, Schema::ANNOTATIONS);
        self::assertSame([], array_values($unknown), 'keywords Schema does not check');
        // the formats Schema knows: int64 (PHP's int, with the spec's minimum/maximum), uri
        self::assertEqualsCanonicalizing(['int64', 'uri'], array_values(array_unique(array_filter(
            array_map(fn ($s) => is_array($s) ? ($s['format'] ?? null) : null, self::allSchemas()),
        ))));
    }

    /** @return list<mixed> every schema object of the spec's components, nested ones too */
    private static function allSchemas(): array
    {
        $found = [];
        $walk = function (mixed $node) use (&$walk, &$found): void {
            if (is_array($node)) {
                $found[] = $node;
                array_map($walk, $node);
            }
        };
        $walk(Spec::document()['components']['schemas']);
        return $found;
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
