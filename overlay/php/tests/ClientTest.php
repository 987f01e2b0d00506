<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

use Eko\DigiLocker\ConfigurationException;
use Eko\DigiLocker\ConsentState;
use Eko\DigiLocker\EkoClient;
use Eko\DigiLocker\Policy;
use Eko\DigiLocker\Spec;
use Eko\DigiLocker\ValidationException;
use PHPUnit\Framework\TestCase;

/** Settings, policy and retries, against a real loopback server. */
final class ClientTest extends TestCase
{
    private const SUCCESS = ['status' => 0, 'message' => 'ok', 'data' => ['reference_id' => 3000000001, 'url' => 'https://x.test/']];

    private static LoopbackServer $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new LoopbackServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    public function testARetryResendsTheSameBytesSignedAfresh(): void
    {
        self::$server->steps([
            ['status' => 503, 'headers' => ['Retry-After' => '0'], 'text' => 'busy'],
            ['close' => 'before_answer'],
            ['json' => self::SUCCESS],
        ]);
        $eko = new EkoClient(Keys::UAT + ['base_url' => self::$server->baseUrl]);
        $session = $eko->createDigilockerUrl('https://yourapp.com/kyc/callback');
        self::assertSame(3000000001, $session->referenceId);
        self::assertSame(3, $session->attempts);
        $seen = self::$server->requests();
        self::assertCount(3, $seen);
        $body = json_decode($seen[0]['body'], true);
        self::assertSame($session->clientRefId, $body['client_ref_id']);
        self::assertLessThanOrEqual(20, strlen($body['client_ref_id']));
        self::assertSame(['AADHAAR'], $body['document_requested']); // the spec's default
        $stamps = array_map(fn ($r) => (int) $r['headers']['secret-key-timestamp'], $seen);
        foreach ($seen as $number => $request) {
            self::assertSame($seen[0]['body'], $request['body'], "attempt $number's body");
            self::assertStringStartsWith('eko-digilocker-php/', $request['headers']['user-agent']);
            if ($number > 0) {
                self::assertGreaterThan($stamps[$number - 1], $stamps[$number]);
            }
        }
    }

    public function testBadInputIsRefusedBeforeAnythingIsSent(): void
    {
        self::$server->steps([['json' => self::SUCCESS]]);
        $eko = new EkoClient(Keys::UAT + ['base_url' => self::$server->baseUrl]);
        foreach ([
            fn () => $eko->createDigilockerUrl('not a url'),
            fn () => $eko->createDigilockerUrl('https://a.test/', ['PASSPORT']),
            fn () => $eko->getVerificationStatus(0),
            fn () => $eko->getVerificationStatus('9223372036854775808'),
            fn () => $eko->getDocument(1, ''),
        ] as $number => $call) {
            try {
                $call();
                self::fail("call $number was not refused");
            } catch (ValidationException $refused) {
                self::assertNotEmpty($refused->errors);
            }
        }
        self::assertSame([], self::$server->requests());
    }

    public function testSettingsComeFromOptionsThenEnvironment(): void
    {
        $env = ['EKO_DEVELOPER_KEY' => 'dev-key-from-env', 'EKO_ACCESS_KEY' => 'access', 'EKO_INITIATOR_ID' => '1', 'EKO_ENVIRONMENT' => 'production'];
        $eko = new EkoClient(['initiator_id' => '99'], $env);
        self::assertSame('99', $eko->settings->initiatorId);
        self::assertSame('dev-key-from-env', $eko->settings->developerKey);
        self::assertSame(Spec::environments()['production'], $eko->settings->baseUrl);
        unset($env['EKO_ENVIRONMENT']);
        self::assertSame(Spec::environments()['uat'], (new EkoClient([], $env))->settings->baseUrl);
        self::assertSame('http://127.0.0.1:8080', (new EkoClient([], $env + ['EKO_BASE_URL' => 'http://127.0.0.1:8080/']))->settings->baseUrl);
        try {
            new EkoClient([], []);
            self::fail('no keys, no error');
        } catch (ConfigurationException $missing) {
            self::assertStringContainsString('EKO_DEVELOPER_KEY', $missing->getMessage());
            self::assertStringContainsString('EKO_ACCESS_KEY', $missing->getMessage());
        }
        $this->expectException(ConfigurationException::class);
        new EkoClient(Keys::UAT + ['base_url' => 'http://127.0.0.1:1', 'environment' => 'uat']);
    }

    public function testThePolicyIsTheSpecs(): void
    {
        $spec = Spec::clientPolicy();
        unset($spec['description'], $spec['idempotency']['generated']);
        self::assertEquals($spec, Policy::fromSpec()->toSpecShape());
        $eko = new EkoClient(Keys::UAT + ['base_url' => 'http://127.0.0.1:1', 'timeout' => 5.0, 'max_retries' => 0]);
        self::assertSame(5000, $eko->policy()->timeoutMs);
        self::assertSame(0, $eko->policy()->maxRetries);
    }

    public function testBackoffIsFullJitterWithinItsCeilingAndRetryAfterIsCapped(): void
    {
        $policy = Policy::fromSpec();
        for ($attempt = 0; $attempt < 8; $attempt++) {
            $ceiling = min($policy->backoffMaxMs, $policy->backoffInitialMs * 2 ** $attempt) / 1000;
            for ($i = 0; $i < 50; $i++) {
                $delay = $policy->delay($attempt);
                self::assertGreaterThanOrEqual(0, $delay);
                self::assertLessThanOrEqual($ceiling, $delay);
            }
        }
        self::assertSame(3.0, $policy->delay(0, '3'));
        self::assertLessThanOrEqual(0.5, $policy->delay(0, '61')); // over retry_after.max_ms: backoff
        self::assertLessThanOrEqual(0.5, $policy->delay(0, '-1'));
        $date = gmdate('D, d M Y H:i:s', time() + 10) . ' GMT';
        self::assertEqualsWithDelta(10, $policy->delay(0, $date), 1.5);
    }

    public function testConsentStatesAreTheSpecsPlusTimedOut(): void
    {
        $cases = array_map(fn (ConsentState $state) => $state->value, ConsentState::cases());
        self::assertSame([...Spec::sessionStates(), 'TIMED_OUT'], $cases);
    }
}
