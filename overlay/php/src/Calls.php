<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Each operation's request from the caller's input, checked against the spec's request
 * schema (the body, or the query parameters) before anything is sent: a bad input is a
 * ValidationException naming every invalid field.
 *
 * @internal
 */
final class Calls
{
    public const CREATE = 'createDigilockerUrl';
    public const STATUS = 'getDigilockerVerificationStatus';
    public const DOCUMENT = 'getDigilockerDocument';

    private const JSON_HEADERS = ['Content-Type' => 'application/json', 'Accept' => 'application/json'];

    private static int $sequence = 0;
    private static string $processTag = '';
    private static int $processId = 0;

    /**
     * A fresh client_ref_id (20 characters): 11 hex digits of the millisecond clock, 3 of
     * a per-process counter, 6 random to this process (drawn again in a forked child).
     */
    public static function newClientRefId(): string
    {
        if (self::$processId !== getmypid()) {
            self::$processId = (int) getmypid();
            self::$processTag = bin2hex(random_bytes(3));
            self::$sequence = 0;
        }
        $millis = (int) floor(microtime(true) * 1000);
        return sprintf('%011x%03x%s', $millis, self::$sequence++ & 0xFFF, self::$processTag);
    }

    /** The spec's default for create's `document_requested`. @return list<string> */
    public static function defaultDocuments(): array
    {
        return Spec::resolve(Spec::bodySchema(self::CREATE)['properties']['document_requested'])['default'];
    }

    /** @param list<string>|null $documents */
    public static function create(Settings $settings, Policy $policy, string $redirectUrl, ?array $documents, ?string $clientRefId, ?string $userCode): Call
    {
        $name = 'createDigilockerUrl';
        $payload = self::present([
            'initiator_id' => $settings->initiatorId,
            'user_code' => $userCode ?? $settings->userCode,
            'client_ref_id' => $clientRefId ?? self::newClientRefId(),
            'document_requested' => $documents ?? self::defaultDocuments(),
            'redirect_url' => $redirectUrl,
        ]);
        $body = self::checkedJson($name, $payload, Spec::bodySchema(self::CREATE));
        return self::call($name, self::CREATE, '', $body, $payload['client_ref_id'], $policy);
    }

    public static function status(Settings $settings, Policy $policy, int|string $referenceId, ?string $clientRefId, ?string $userCode, string $name = 'getVerificationStatus'): Call
    {
        $params = self::present([
            'initiator_id' => $settings->initiatorId,
            'user_code' => $userCode ?? $settings->userCode,
            'client_ref_id' => $clientRefId,
            'reference_id' => self::referenceId($name, $referenceId),
        ]);
        self::checkedJson($name, $params, Spec::querySchema(self::STATUS));
        $query = http_build_query($params, '', '&', PHP_QUERY_RFC3986);
        return self::call($name, self::STATUS, '?' . $query, null, $clientRefId, $policy);
    }

    /** @param list<string> $documents */
    public static function document(Settings $settings, Policy $policy, int|string $referenceId, string $verificationId, array $documents, ?string $clientRefId, ?string $userCode): Call
    {
        $name = 'getDocument';
        $reference = self::referenceId($name, $referenceId);
        $payload = self::present([
            'initiator_id' => $settings->initiatorId,
            'user_code' => $userCode ?? $settings->userCode,
            'client_ref_id' => $clientRefId ?? self::newClientRefId(),
            'document_type' => $documents,
            'verification_id' => $verificationId,
            // Create returns reference_id as a number; this call takes it as a string.
            'reference_id' => is_int($reference) ? (string) $reference : $reference,
        ]);
        $body = self::checkedJson($name, $payload, Spec::bodySchema(self::DOCUMENT));
        return self::call($name, self::DOCUMENT, '', $body, $payload['client_ref_id'], $policy);
    }

    /**
     * A reference id as the integer create returned, from an int or a string of digits
     * (what a callback URL hands you); anything else goes to the schema, to be reported.
     * A number past int64 (or past PHP_INT_MAX on a 32-bit build) is refused here.
     */
    public static function referenceId(string $name, int|string $value): int|string
    {
        if (is_int($value)) {
            return $value;
        }
        $text = trim($value);
        $digits = ltrim($text, '-');
        if ($digits !== '' && ctype_digit($digits)) {
            $number = filter_var(ltrim($digits, '0') === '' ? '0' : ($text[0] === '-' ? '-' : '') . ltrim($digits, '0'), FILTER_VALIDATE_INT);
            if ($number === false) {
                throw new ValidationException($name, ['reference_id' => 'must be at most ' . PHP_INT_MAX]);
            }
            return $number;
        }
        return $value;
    }

    /**
     * @param array<string, mixed> $values
     * @param array<string, mixed> $schema
     */
    private static function checkedJson(string $name, array $values, array $schema): string
    {
        $json = json_encode($values, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        if ($json === false) {
            $bad = [];
            foreach ($values as $field => $value) {
                if (json_encode($value) === false) {
                    $bad[$field] = 'is not valid UTF-8 text';
                }
            }
            throw new ValidationException($name, $bad ?: ['(input)' => 'cannot be sent as JSON']);
        }
        $problems = Schema::problems(json_decode($json), $schema);
        if ($problems !== []) {
            throw new ValidationException($name, $problems);
        }
        return $json;
    }

    private static function call(string $name, string $operationId, string $suffix, ?string $body, ?string $clientRefId, Policy $policy): Call
    {
        $route = Spec::operation($operationId);
        return new Call($name, $operationId, $route['method'], $route['path'] . $suffix, self::JSON_HEADERS, $body, $clientRefId, $policy);
    }

    /**
     * @param array<string, mixed> $values
     * @return array<string, mixed>
     */
    private static function present(array $values): array
    {
        return array_filter($values, fn ($value) => $value !== null);
    }
}
