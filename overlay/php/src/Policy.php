<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The client policy of one call: the spec's `x-eko-client` (the root, with the
 * operation's own keys over it), read into typed fields, with the caller's overrides.
 * Its semantics are the extension's `description` in the spec.
 */
final class Policy
{
    /**
     * @param list<int> $retryStatuses
     */
    public function __construct(
        public readonly int $timeoutMs,
        public readonly int $maxResponseBytes,
        public readonly int $maxRetries,
        public readonly array $retryStatuses,
        public readonly string $notSent,
        public readonly string $maybeSent,
        public readonly int $backoffInitialMs,
        public readonly int $backoffMaxMs,
        public readonly float $backoffMultiplier,
        public readonly string $jitter,
        public readonly int $retryAfterMaxMs,
        public readonly string $idempotencyField,
        public readonly string $redirects,
        public readonly int $consentIntervalMs,
        public readonly int $consentTimeoutMs,
        public readonly bool $idempotent = false,
    ) {
    }

    /** The root policy (operationId null) or an operation's. */
    public static function fromSpec(?string $operationId = null): self
    {
        $p = Spec::clientPolicy($operationId);
        return new self(
            timeoutMs: $p['timeout_ms'],
            maxResponseBytes: $p['max_response_bytes'],
            maxRetries: $p['retry']['max_retries'],
            retryStatuses: $p['retry']['statuses'],
            notSent: $p['retry']['not_sent'],
            maybeSent: $p['retry']['maybe_sent'],
            backoffInitialMs: $p['retry']['backoff']['initial_ms'],
            backoffMaxMs: $p['retry']['backoff']['max_ms'],
            backoffMultiplier: (float) $p['retry']['backoff']['multiplier'],
            jitter: $p['retry']['backoff']['jitter'],
            retryAfterMaxMs: $p['retry']['retry_after']['max_ms'],
            idempotencyField: $p['idempotency']['field'],
            redirects: $p['redirects'],
            consentIntervalMs: $p['consent_wait']['interval_ms'],
            consentTimeoutMs: $p['consent_wait']['timeout_ms'],
            idempotent: (bool) ($p['idempotent'] ?? false),
        );
    }

    /**
     * This policy with the caller's overrides (null: keep).
     */
    public function with(?int $timeoutMs = null, ?int $maxRetries = null, ?int $maxResponseBytes = null): self
    {
        $fields = get_object_vars($this);
        $fields['timeoutMs'] = $timeoutMs ?? $this->timeoutMs;
        $fields['maxRetries'] = $maxRetries ?? $this->maxRetries;
        $fields['maxResponseBytes'] = $maxResponseBytes ?? $this->maxResponseBytes;
        return new self(...$fields);
    }

    /** Whether an HTTP status is retried for this call (idempotent operations only). */
    public function retriesStatus(int $status, int $attempt): bool
    {
        return $attempt < $this->maxRetries && $this->idempotent && in_array($status, $this->retryStatuses, true);
    }

    /** Whether a failure is retried: `sent` false when no byte of the request left. */
    public function retriesFailure(bool $sent, int $attempt): bool
    {
        if ($attempt >= $this->maxRetries) {
            return false;
        }
        $rule = $sent ? $this->maybeSent : $this->notSent;
        return $rule === 'all' || ($rule === 'idempotent' && $this->idempotent);
    }

    /**
     * Seconds to wait before retry number attempt + 1: a usable Retry-After, else full
     * jitter in [0, min(max, initial * multiplier^attempt)].
     */
    public function delay(int $attempt, ?string $retryAfter = null): float
    {
        $given = self::parseRetryAfter($retryAfter);
        if ($given !== null && $given >= 0 && $given * 1000 <= $this->retryAfterMaxMs) {
            return $given;
        }
        $ceilingMs = min($this->backoffMaxMs, $this->backoffInitialMs * $this->backoffMultiplier ** $attempt);
        if ($this->jitter !== 'full') {
            return $ceilingMs / 1000;
        }
        return $ceilingMs * (mt_rand() / mt_getrandmax()) / 1000;
    }

    /** Seconds from a Retry-After header (delta-seconds or HTTP-date), or null. */
    public static function parseRetryAfter(?string $value): ?float
    {
        $value = trim((string) $value);
        if ($value === '') {
            return null;
        }
        if (is_numeric($value)) {
            return (float) $value;
        }
        $when = \DateTimeImmutable::createFromFormat(\DateTimeInterface::RFC7231, $value, new \DateTimeZone('UTC'));
        if ($when === false) {
            return null;
        }
        return max(0.0, (float) $when->format('U.u') - microtime(true));
    }

    /**
     * The policy in the spec's shape (its root `x-eko-client` without `description` and
     * `idempotency.generated`): what the conformance runner's `policy` command prints.
     *
     * @return array<string, mixed>
     */
    public function toSpecShape(): array
    {
        $multiplier = $this->backoffMultiplier == (int) $this->backoffMultiplier
            ? (int) $this->backoffMultiplier : $this->backoffMultiplier;
        return [
            'timeout_ms' => $this->timeoutMs,
            'max_response_bytes' => $this->maxResponseBytes,
            'retry' => [
                'max_retries' => $this->maxRetries,
                'statuses' => $this->retryStatuses,
                'not_sent' => $this->notSent,
                'maybe_sent' => $this->maybeSent,
                'backoff' => [
                    'initial_ms' => $this->backoffInitialMs,
                    'max_ms' => $this->backoffMaxMs,
                    'multiplier' => $multiplier,
                    'jitter' => $this->jitter,
                ],
                'retry_after' => ['max_ms' => $this->retryAfterMaxMs],
            ],
            'idempotency' => ['field' => $this->idempotencyField],
            'redirects' => $this->redirects,
            'consent_wait' => ['interval_ms' => $this->consentIntervalMs, 'timeout_ms' => $this->consentTimeoutMs],
        ];
    }
}
