<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

use GuzzleHttp\Client;
use GuzzleHttp\Exception\GuzzleException;
use GuzzleHttp\Exception\RequestException;
use GuzzleHttp\Handler\CurlHandler;
use GuzzleHttp\HandlerStack;
use Psr\Http\Message\ResponseInterface;

/**
 * One attempt over Guzzle's curl handler: sent before `until` (curl's whole-transfer
 * timeout is what is left of it, so a hang or a drip ends there), the body read by a
 * BodyReader within the byte limit, no redirect followed, no cookie kept.
 *
 * @internal
 */
final class Transport
{
    /** The encodings asked for, which BodyReader decodes within the limit. */
    public const ACCEPT_ENCODING = 'gzip, deflate';

    private const NOT_SENT = [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY];
    // 51: peer's certificate or fingerprint not OK; 60: unknown CA; 58/77/83/90/91: local
    // certificate, CA file, issuer, pinned key, certificate status.
    private const CERTIFICATE = [51, 58, 60, 77, 83, 90, 91];

    private Client $guzzle;

    /** @param array<string, mixed> $guzzleOptions extra Guzzle request options (proxy, verify...) */
    public function __construct(private readonly string $baseUrl, private readonly array $guzzleOptions = [])
    {
        if (!class_exists(Client::class)) {
            throw new ConfigurationException(
                'Guzzle 7 is not installed: `composer require guzzlehttp/guzzle:^7.4`, or on Debian/Ubuntu `apt-get install php-guzzlehttp-guzzle`'
            );
        }
        if (!function_exists('curl_init')) {
            throw new ConfigurationException('the curl extension is missing: apt-get install php-curl');
        }
        $this->guzzle = new Client(['handler' => HandlerStack::create(new CurlHandler())]);
    }

    /**
     * @param array<string, string> $headers
     * @return array{status: int, headers: array<string, string>, body: string}
     * @throws AttemptFailure
     */
    public function send(string $method, string $target, array $headers, ?string $body, float $until, int $limit): array
    {
        $remaining = $until - Clock::now();
        if ($remaining <= 0) {
            throw new AttemptFailure(AttemptFailure::TIMEOUT, false, "the call's deadline passed before sending");
        }
        $reader = new BodyReader($limit, $until);
        $options = [
            'headers' => $headers + ['Accept-Encoding' => self::ACCEPT_ENCODING],
            'body' => $body,
            'timeout' => max($remaining, 0.001),
            'connect_timeout' => max($remaining, 0.001),
            'http_errors' => false,
            'allow_redirects' => false, // x-eko-client `redirects: never_follow`
            'cookies' => false,
            'decode_content' => false,  // BodyReader decodes, within the limit
            'sink' => $reader,
            'on_headers' => function (ResponseInterface $response) use ($reader): void {
                if (!$reader->expectEncoding($response->getHeaderLine('Content-Encoding'))) {
                    throw new \UnexpectedValueException('unsupported Content-Encoding');
                }
            },
        ] + $this->guzzleOptions;
        try {
            $response = $this->guzzle->request($method, $this->baseUrl . $target, $options);
        } catch (RequestException $exc) {
            throw $this->failure($exc, $reader, $exc->getHandlerContext());
        } catch (GuzzleException $exc) { // ConnectException and the rest
            $context = method_exists($exc, 'getHandlerContext') ? $exc->getHandlerContext() : [];
            throw $this->failure($exc, $reader, $context);
        }
        if ($reader->failure !== null) {
            throw $this->failure(null, $reader, []);
        }
        $flat = [];
        foreach ($response->getHeaders() as $name => $values) {
            $flat[strtolower((string) $name)] = implode(', ', $values);
        }
        return ['status' => $response->getStatusCode(), 'headers' => $flat, 'body' => $reader->contents()];
    }

    /** @param array<string, mixed> $context curl's errno and curl_getinfo() */
    private function failure(?\Throwable $exc, BodyReader $reader, array $context): AttemptFailure
    {
        $detail = $exc === null ? '' : strtok($exc->getMessage(), "\n");
        switch ($reader->failure) {
            case 'too_large':
                return new AttemptFailure(AttemptFailure::TOO_LARGE, true, $detail);
            case 'decoding':
                return new AttemptFailure(AttemptFailure::DECODING, true, $detail);
            case 'encoding':
                return new AttemptFailure(AttemptFailure::ENCODING, true, $reader->encodingProblem);
            case 'deadline':
                return new AttemptFailure(AttemptFailure::TIMEOUT, true, "the call's deadline passed while reading the body");
        }
        $errno = (int) ($context['errno'] ?? 0);
        // curl_getinfo's connect_time stays 0 until a connection is made: before that,
        // no byte of the request can have left (x-eko-client retry.not_sent)
        $connected = ($context['connect_time'] ?? 0) > 0;
        if ($errno === CURLE_OPERATION_TIMEOUTED) {
            return new AttemptFailure(AttemptFailure::TIMEOUT, $connected, $detail);
        }
        if (in_array($errno, self::CERTIFICATE, true)) {
            return new AttemptFailure(AttemptFailure::CERTIFICATE, false, $detail);
        }
        if (in_array($errno, self::NOT_SENT, true) || ($errno !== 0 && !$connected)) {
            return new AttemptFailure(AttemptFailure::CONNECT, false, $detail);
        }
        return new AttemptFailure(AttemptFailure::DROPPED, true, $detail);
    }
}
