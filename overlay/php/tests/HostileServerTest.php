<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

use Eko\DigiLocker\EkoClient;
use Eko\DigiLocker\EkoException;
use Eko\DigiLocker\ResponseTooLargeException;
use Eko\DigiLocker\TimeoutException;
use PHPUnit\Framework\TestCase;

/**
 * A server that hangs, drips, sends a huge body or a gzip bomb: each call ends in a
 * typed exception within its deadline, and what it read stays within its memory bound.
 */
final class HostileServerTest extends TestCase
{
    private const LIMIT = 1 << 20;        // max_response_bytes
    private const DEADLINE = 1.5;         // seconds, the call's timeout
    private const SLACK = 2.0;            // seconds: a loaded machine's scheduling
    private const MEMORY_BOUND = 8 << 20; // bytes of PHP memory one call may grow by

    private static LoopbackServer $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new LoopbackServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    /** @return array<string, array{0: array<string, mixed>, 1: class-string<EkoException>}> */
    public static function hostile(): array
    {
        $status = ['status' => 0, 'message' => 'ok', 'data' => ['reference_id' => 1, 'url' => 'https://x.test/']];
        return [
            'a hang before the status line' => [['hang' => true], TimeoutException::class],
            'a delay past the deadline' => [['delay_ms' => 60000, 'json' => $status], TimeoutException::class],
            'a body dripped one byte every 100 ms' => [['drip_ms' => 100, 'json' => $status], TimeoutException::class],
            'a 200 MiB body' => [['bytes' => 200 << 20], ResponseTooLargeException::class],
            'a gzip bomb of 4 GiB of zeros' => [['gzip_bomb' => 4 << 30], ResponseTooLargeException::class],
        ];
    }

    /**
     * @dataProvider hostile
     * @param array<string, mixed> $step
     * @param class-string<EkoException> $expected
     */
    public function testEndsInATypedExceptionWithinTheDeadlineAndTheMemoryBound(array $step, string $expected): void
    {
        self::$server->steps([$step]);
        $eko = new EkoClient(Keys::UAT + [
            'base_url' => self::$server->baseUrl,
            'timeout' => self::DEADLINE,
            'max_response_bytes' => self::LIMIT,
        ]);
        gc_collect_cycles();
        memory_reset_peak_usage();
        $before = memory_get_usage();
        $started = hrtime(true);
        try {
            $eko->createDigilockerUrl('https://yourapp.com/kyc/callback');
            self::fail("no exception; expected $expected");
        } catch (EkoException $error) {
            $elapsed = (hrtime(true) - $started) / 1e9;
            self::assertInstanceOf($expected, $error, $error->getMessage());
        }
        $grown = memory_get_peak_usage() - $before;
        self::assertLessThan(self::DEADLINE + self::SLACK, $elapsed, 'seconds to the exception');
        self::assertLessThan(self::MEMORY_BOUND, $grown, 'bytes of PHP memory the call grew by');
        if ($expected === TimeoutException::class) {
            self::assertGreaterThan(self::DEADLINE * 0.9, $elapsed, 'ended before its deadline');
        }
    }

    public function testAnAnswerJustWithinTheLimitIsRead(): void
    {
        $url = 'https://x.test/' . str_repeat('a', 900_000);
        self::$server->steps([['gzip' => true, 'json' => ['status' => 0, 'message' => 'ok', 'data' => ['reference_id' => 1, 'url' => $url]]]]);
        $eko = new EkoClient(Keys::UAT + ['base_url' => self::$server->baseUrl, 'max_response_bytes' => self::LIMIT]);
        self::assertSame($url, $eko->createDigilockerUrl('https://yourapp.com/kyc/callback')->url);
    }
}
