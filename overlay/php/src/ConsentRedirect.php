<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The customer's return to your `redirect_url`, read into a typed result. Exactly one of
 * approved(), `denied` and `error` holds for every parsed return.
 *
 * What the return carries, by source: Eko's legacy page appends `verification_id`;
 * eps.eko.in says only that the customer comes back (pair the return with the
 * `referenceId` you stored); the local sandbox sends `reference_id` + `verification_id`
 * on approval and `reference_id` + `status=CONSENT_DENIED` on denial; DigiLocker's own
 * OAuth return, which a provider may pass through, sends `error` (`access_denied` when
 * the customer declines) and `error_description`.
 */
final class ConsentRedirect
{
    public const OPERATION = 'ConsentRedirect::parse';
    /** The return URL comes from the customer's browser: bound what is read of it. */
    public const MAX_LENGTH = 8192;
    /** DigiLocker's OAuth error for a customer who declines (RFC 6749 4.1.2.1). */
    private const OAUTH_DENIED = 'access_denied';
    /** Eko's `verification_status` of a completed verification. */
    private const EKO_SUCCESS = 'SUCCESS';

    private function __construct(
        public readonly ?int $referenceId,
        public readonly ?string $verificationId,
        public readonly bool $denied,
        public readonly ?string $error,
    ) {
    }

    /** Consent given: a verification id to fetch the document with, and no denial. */
    public function approved(): bool
    {
        return $this->verificationId !== null && !$this->denied && $this->error === null;
    }

    /**
     * Read the return: the full URL (`$_SERVER['REQUEST_URI']` or an absolute URL), its
     * query string, or the query as an array (`$_GET`: a value or a list of values).
     *
     * @param string|array<string, string|list<string>> $url
     * @throws ValidationException for a malformed return (a reference_id that is not a
     *   positive int64, two different values of one parameter, an empty verification_id,
     *   a URL over $maxLength characters, escapes that are not UTF-8)
     */
    public static function parse(string|array $url, int $maxLength = self::MAX_LENGTH): self
    {
        $params = is_string($url) ? self::fromString($url, $maxLength) : self::fromArray($url);
        $reference = self::one($params, 'reference_id');
        $verificationId = self::one($params, 'verification_id');
        $status = strtoupper(self::one($params, 'status') ?? '');
        $errorCode = self::one($params, 'error');
        $description = self::one($params, 'error_description');

        if ($verificationId !== null && trim($verificationId) === '') {
            self::invalid('verification_id', 'is empty');
        }
        $denied = $status === ConsentState::CONSENT_DENIED->value || strtolower($errorCode ?? '') === self::OAUTH_DENIED;
        $error = null;
        if (!$denied) {
            if ($errorCode !== null) {
                $error = $description ? "$errorCode: $description" : $errorCode;
            } elseif ($status !== '' && $status !== ConsentState::AUTHENTICATED->value && $status !== self::EKO_SUCCESS) {
                $error = "status $status";
            } elseif ($verificationId === null) {
                $error = 'the return carries neither a verification_id nor a status';
            }
        }
        return new self(self::referenceId($reference), $verificationId, $denied, $error);
    }

    /** @return array<string, list<string>> */
    private static function fromString(string $url, int $maxLength): array
    {
        if (strlen($url) > $maxLength) {
            self::invalid('url', "is longer than $maxLength characters");
        }
        $hasScheme = preg_match('/^[A-Za-z][A-Za-z0-9+.\-]*:/', $url) === 1;
        if ($hasScheme || str_contains($url, '?')) {
            $query = explode('#', explode('?', $url, 2)[1] ?? '', 2)[0];
        } else {
            $query = explode('#', $url, 2)[0];
        }
        // Not parse_str: it renames keys (`a.b` to `a_b`, `a[]`) and keeps only the last
        // of a repeated one, which would hide two different values.
        $params = [];
        foreach (explode('&', $query) as $pair) {
            if ($pair === '') {
                continue;
            }
            [$name, $value] = array_pad(explode('=', $pair, 2), 2, '');
            $name = rawurldecode(str_replace('+', ' ', $name));
            $value = rawurldecode(str_replace('+', ' ', $value));
            if (!mb_check_encoding($name, 'UTF-8') || !mb_check_encoding($value, 'UTF-8')) {
                self::invalid('url', 'has percent-escapes that are not UTF-8');
            }
            $params[$name][] = $value;
        }
        return $params;
    }

    /**
     * @param array<mixed> $query
     * @return array<string, list<string>>
     */
    private static function fromArray(array $query): array
    {
        $params = [];
        foreach ($query as $name => $value) {
            $values = is_string($value) ? [$value] : $value;
            if (!is_array($values) || !array_is_list($values) || array_filter($values, fn ($v) => !is_string($v)) !== []) {
                self::invalid((string) $name, 'must be a string or a list of strings, not ' . get_debug_type($value));
            }
            $params[(string) $name] = $values;
        }
        return $params;
    }

    /** @param array<string, list<string>> $params */
    private static function one(array $params, string $name): ?string
    {
        $values = array_values(array_unique($params[$name] ?? []));
        if (count($values) > 1) {
            self::invalid($name, 'has ' . count($values) . ' different values');
        }
        return $values[0] ?? null;
    }

    private static function referenceId(?string $value): ?int
    {
        if ($value === null) {
            return null;
        }
        $text = trim($value);
        if ($text === '' || !ctype_digit($text) || trim($text, '0') === '') {
            self::invalid('reference_id', 'must be a positive whole number, got ' . json_encode(mb_substr($value, 0, 40)));
        }
        $number = filter_var(ltrim($text, '0'), FILTER_VALIDATE_INT);
        if ($number === false) {
            self::invalid('reference_id', 'must be at most ' . PHP_INT_MAX);
        }
        return $number;
    }

    private static function invalid(string $field, string $message): never
    {
        throw new ValidationException(self::OPERATION, [$field => $message]);
    }
}
