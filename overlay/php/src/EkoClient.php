<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Eko's DigiLocker API: every request signed, input checked against the spec, retries,
 * the deadline and the answer's size bound taken from the spec's `x-eko-client` policy,
 * every failure a typed EkoException.
 *
 *     $eko = new EkoClient(['environment' => 'uat']); // keys from EKO_* variables
 *     $session = $eko->createDigilockerUrl(redirectUrl: 'https://yourapp.com/kyc/callback');
 *
 * Options: base_url | environment, developer_key, access_key, initiator_id, user_code
 * (each else its EKO_* variable), timeout (seconds, the whole call), max_retries,
 * max_response_bytes, user_agent, guzzle (extra Guzzle request options: proxy, verify,
 * cert...; those the client sets itself, such as timeouts, redirects, decoding and the
 * body sink, cannot be overridden, so the policy's bounds hold).
 * Ids are PHP ints: this package needs a 64-bit PHP (reference ids pass 2^31).
 */
final class EkoClient
{
    /** The least a poll of waitForConsent gets, so a nearly spent wait still polls once. */
    private const MIN_POLL_SECONDS = 1.0;
    private const OPTIONS = [
        'base_url', 'environment', 'developer_key', 'access_key', 'initiator_id', 'user_code',
        'timeout', 'max_retries', 'max_response_bytes', 'user_agent', 'guzzle',
    ];

    public readonly Settings $settings;
    private readonly Signer $signer;
    private readonly Transport $transport;
    private readonly Policy $defaults;
    /** @var array<string, string> */
    private readonly array $headers;

    /**
     * @param array<string, mixed> $options
     * @param array<string, string>|null $env the environment to read EKO_* from (getenv())
     */
    public function __construct(array $options = [], ?array $env = null)
    {
        if (PHP_INT_SIZE < 8) {
            throw new ConfigurationException('eko/digilocker needs a 64-bit PHP: reference ids pass 2^31, which a 32-bit int cannot hold');
        }
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown !== []) {
            throw new ConfigurationException('unknown option(s): ' . implode(', ', $unknown) . '; known: ' . implode(', ', self::OPTIONS));
        }
        $this->settings = Settings::resolve($options, $env);
        $this->defaults = Policy::fromSpec()->with(
            timeoutMs: self::timeoutMs($options['timeout'] ?? null, 'timeout'),
            maxRetries: self::count($options['max_retries'] ?? null, 'max_retries'),
            maxResponseBytes: self::bytes($options['max_response_bytes'] ?? null),
        );
        $agent = $options['user_agent'] ?? Version::userAgent();
        if (!is_string($agent) || preg_match('/^[\x20-\x7e]+$/', $agent) !== 1) {
            throw new ConfigurationException('user_agent must be a string of printable ASCII');
        }
        $guzzle = $options['guzzle'] ?? [];
        if (!is_array($guzzle)) {
            throw new ConfigurationException('guzzle must be an array of Guzzle request options');
        }
        $this->headers = ['User-Agent' => $agent];
        $this->signer = new Signer($this->settings->developerKey, $this->settings->accessKey);
        $this->transport = new Transport($this->settings->baseUrl, $guzzle);
    }

    /** The client's default policy: the spec's root `x-eko-client` with this client's options. */
    public function policy(): Policy
    {
        return $this->defaults;
    }

    /**
     * Start a DigiLocker session: send the customer to the answer's `url`, keep its
     * `referenceId`. A client_ref_id is made when none is given, the same on every retry.
     *
     * @param list<string>|null $documentRequested the spec's default when null
     */
    public function createDigilockerUrl(
        string $redirectUrl,
        ?array $documentRequested = null,
        ?string $clientRefId = null,
        ?string $userCode = null,
        ?float $timeout = null,
        ?int $maxRetries = null,
        ?int $maxResponseBytes = null,
    ): DigilockerSession {
        $call = Calls::create($this->settings, $this->policyOf(Calls::CREATE, $timeout, $maxRetries, $maxResponseBytes), $redirectUrl, $documentRequested, $clientRefId, $userCode);
        [$envelope, $attempts] = $this->send($call, $this->deadline($call->policy));
        return new DigilockerSession($envelope, $attempts, $call->clientRefId);
    }

    /**
     * An authenticated session's status. A pending session throws
     * VerificationPendingException; a denied one ConsentDeniedException; an expired one
     * SessionExpiredException.
     */
    public function getVerificationStatus(
        int|string $referenceId,
        ?string $clientRefId = null,
        ?string $userCode = null,
        ?float $timeout = null,
        ?int $maxRetries = null,
        ?int $maxResponseBytes = null,
    ): VerificationStatus {
        $call = Calls::status($this->settings, $this->policyOf(Calls::STATUS, $timeout, $maxRetries, $maxResponseBytes), $referenceId, $clientRefId, $userCode);
        [$envelope, $attempts] = $this->send($call, $this->deadline($call->policy));
        return new VerificationStatus($envelope, $attempts, $call->clientRefId);
    }

    /**
     * The verified documents. Without `documentType`, a status call first asks which
     * documents the session requested; both share the call's one deadline.
     *
     * @param list<string>|null $documentType
     */
    public function getDocument(
        int|string $referenceId,
        string $verificationId,
        ?array $documentType = null,
        ?string $clientRefId = null,
        ?string $userCode = null,
        ?float $timeout = null,
        ?int $maxRetries = null,
        ?int $maxResponseBytes = null,
    ): Document {
        $policy = $this->policyOf(Calls::DOCUMENT, $timeout, $maxRetries, $maxResponseBytes);
        $documents = $documentType ?? Calls::defaultDocuments();
        $call = Calls::document($this->settings, $policy, $referenceId, $verificationId, $documents, $clientRefId, $userCode);
        $until = $this->deadline($policy);
        if ($documentType === null) { // the input is valid: ask which documents it requested
            $statusPolicy = $this->policyOf(Calls::STATUS, $timeout, $maxRetries, $maxResponseBytes);
            $status = Calls::status($this->settings, $statusPolicy, $referenceId, null, $userCode, 'getDocument');
            try {
                [$envelope, $attempts] = $this->send($status, $until);
                $requested = (new VerificationStatus($envelope, $attempts, null))->documentsRequested();
                if ($requested !== []) {
                    $call = Calls::document($this->settings, $policy, $referenceId, $verificationId, $requested, $call->clientRefId, $userCode);
                }
            } catch (ApiException | ResponseException) {
                // the document call itself will say what is wrong
            }
        }
        [$envelope, $attempts] = $this->send($call, $until);
        return new Document($envelope, $attempts, $call->clientRefId);
    }

    /**
     * Poll the status until the session is authenticated, denied or expired, or
     * `timeout` seconds pass (the spec's consent_wait defaults). Denied and expired are
     * results (with their exception in `error`), as is TIMED_OUT; any other final answer
     * (bad keys, unknown reference) is thrown.
     */
    public function waitForConsent(
        int|string $referenceId,
        ?float $timeout = null,
        ?float $interval = null,
        ?string $userCode = null,
    ): ConsentResult {
        $policy = $this->policyOf(Calls::STATUS, null, null, null);
        $waited = $timeout === null ? $policy->consentTimeoutMs / 1000 : self::seconds($timeout, 'timeout');
        $interval = $interval === null ? $policy->consentIntervalMs / 1000 : self::seconds($interval, 'interval');
        $until = Clock::now() + $waited;
        $call = Calls::status($this->settings, $policy, $referenceId, null, $userCode, 'waitForConsent');
        $answer = null;
        while (true) {
            $pollUntil = max($until, Clock::now() + self::MIN_POLL_SECONDS);
            try {
                [$envelope, $attempts] = $this->send($call, $pollUntil);
                $answer = new VerificationStatus($envelope, $attempts, null);
                return new ConsentResult(ConsentState::AUTHENTICATED, details: $answer);
            } catch (ApiException $error) {
                $answer = $error;
            } catch (TimeoutException $timedOut) {
                if (Clock::now() < $until) {
                    throw $timedOut;
                }
                return new ConsentResult(ConsentState::TIMED_OUT, error: $answer);
            }
            if ($answer instanceof ConsentDeniedException) {
                return new ConsentResult(ConsentState::CONSENT_DENIED, error: $answer);
            }
            if ($answer instanceof SessionExpiredException) {
                return new ConsentResult(ConsentState::EXPIRED, error: $answer);
            }
            if (Answers::isFinal($answer)) {
                throw $answer;
            }
            $remaining = $until - Clock::now();
            if ($remaining <= 0) {
                return new ConsentResult(ConsentState::TIMED_OUT, error: $answer);
            }
            Clock::sleep(min($interval, $remaining));
        }
    }

    /**
     * Attempts until an answer is final, the retries are spent or the deadline passes;
     * each attempt signed afresh, with the same body bytes (and client_ref_id).
     *
     * @return array{0: \stdClass, 1: int} the success's envelope and the attempts made
     */
    private function send(Call $call, float $until): array
    {
        $policy = $call->policy;
        for ($attempt = 0;; $attempt++) {
            $headers = $this->headers + $call->headers + $this->signer->headers();
            try {
                $answer = $this->transport->send($call->method, $call->target, $headers, $call->body, $until, $policy->maxResponseBytes);
            } catch (AttemptFailure $failure) {
                $delay = $this->afterFailure($call, $failure, $attempt, $until);
                Clock::sleep($delay);
                continue;
            }
            if ($policy->retriesStatus($answer['status'], $attempt)) {
                $delay = $policy->delay($attempt, $answer['headers']['retry-after'] ?? null);
                if (Clock::now() + $delay < $until) {
                    Clock::sleep($delay);
                    continue;
                }
            }
            return [Answers::read($call->operationId, $answer['status'], $answer['body']), $attempt + 1];
        }
    }

    /** Seconds to wait before trying again, or the EkoException for the failure. */
    private function afterFailure(Call $call, AttemptFailure $failure, int $attempt, float $until): float
    {
        $host = parse_url($this->settings->baseUrl, PHP_URL_HOST);
        $tries = ($attempt + 1) . ' attempt' . ($attempt ? 's' : '');
        switch ($failure->kind) {
            case AttemptFailure::TOO_LARGE:
                throw new ResponseTooLargeException(
                    "{$call->name}: the answer is larger than max_response_bytes ({$call->policy->maxResponseBytes} bytes decoded); reading stopped there",
                    null,
                );
            case AttemptFailure::ENCODING:
                throw new ResponseException("{$call->name}: the answer uses Content-Encoding {$failure->getMessage()}, which was not asked for", null);
            case AttemptFailure::DECODING:
                throw new ResponseException("{$call->name}: the answer from $host could not be decoded", null);
            case AttemptFailure::CERTIFICATE:
                throw new ConnectionException("{$call->name}: $host's TLS certificate failed verification (not retried): {$failure->getMessage()}");
        }
        if ($call->policy->retriesFailure($failure->sent, $attempt)) {
            $delay = $call->policy->delay($attempt);
            if (Clock::now() + $delay < $until) {
                return $delay;
            }
        }
        if ($failure->kind === AttemptFailure::TIMEOUT) {
            throw new TimeoutException("{$call->name}: no complete answer from $host before the call's deadline ($tries; last: {$failure->getMessage()})");
        }
        throw new ConnectionException("{$call->name}: request to $host failed ($tries; last: {$failure->getMessage()})");
    }

    private function policyOf(string $operationId, ?float $timeout, ?int $maxRetries, ?int $maxResponseBytes): Policy
    {
        $policy = Policy::fromSpec($operationId);
        return $policy->with(
            timeoutMs: self::timeoutMs($timeout, 'timeout') ?? $this->defaults->timeoutMs,
            maxRetries: self::count($maxRetries, 'maxRetries') ?? $this->defaults->maxRetries,
            maxResponseBytes: self::bytes($maxResponseBytes) ?? $this->defaults->maxResponseBytes,
        );
    }

    private function deadline(Policy $policy): float
    {
        return Clock::now() + $policy->timeoutMs / 1000;
    }

    private static function seconds(mixed $value, string $name): float
    {
        if ((!is_int($value) && !is_float($value)) || !is_finite((float) $value) || $value <= 0) {
            throw new ConfigurationException("$name must be a positive number of seconds, not " . json_encode($value));
        }
        return (float) $value;
    }

    private static function timeoutMs(mixed $value, string $name): ?int
    {
        return $value === null ? null : max(1, (int) ceil(self::seconds($value, $name) * 1000));
    }

    private static function count(mixed $value, string $name): ?int
    {
        if ($value !== null && (!is_int($value) || $value < 0 || $value > 100)) {
            throw new ConfigurationException("$name must be an integer from 0 to 100, not " . json_encode($value));
        }
        return $value;
    }

    private static function bytes(mixed $value): ?int
    {
        if ($value !== null && (!is_int($value) || $value < 1)) {
            throw new ConfigurationException('max_response_bytes must be a positive integer, not ' . json_encode($value));
        }
        return $value;
    }
}
