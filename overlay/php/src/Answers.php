<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The answer rule (docs/answer-rule.md), the one every language of this project shares:
 * an answer's HTTP status and exact body bytes in, the success's envelope out, or the
 * EkoException the answer stands for.
 *
 * Eko puts an error's code in one of two places: corrected answers in `status`
 * (`status: 463, response_status_id: 1`), older DigiLocker answers in
 * `response_status_id` (`status: 1, response_status_id: 463`). `errorCode` reads either,
 * and ERROR_CODES is the one table that says what each code means to the client.
 *
 * @internal
 */
final class Answers
{
    /** code => [exception class, final: waiting for consent cannot change it] */
    public const ERROR_CODES = [
        301 => [ApiException::class, true],                  // invalid redirect URL
        319 => [ApiException::class, true],                  // invalid initiator
        327 => [VerificationPendingException::class, false], // verification pending
        346 => [ApiException::class, true],                  // user not onboarded / wrong user_code
        461 => [InvalidParamsException::class, true],        // invalid parameters
        463 => [NotFoundException::class, true],             // not found / invalid reference
    ];
    /** `status` values that are not a code: 0 success, 1 failure (the code is elsewhere). */
    private const GENERIC_STATUS = [0, 1];
    /** `response_status_id` values that are not a code (legacy README section 4). */
    private const GENERIC_STATUS_ID_MIN = -2;
    private const GENERIC_STATUS_ID_MAX = 5;
    /** eps.eko.in answers an unknown or expired reference as it answers a pending one
     *  (`status` 1, `response_status_id` -1): the message is the only tell. */
    private const UNKNOWN_REFERENCE_MESSAGES = ['invalid reference_id', 'invalid or expired reference_id'];
    /** A document answer with `verification_status` PENDING is not a success. */
    private const DOCUMENT_OPERATION = 'getDigilockerDocument';
    private const DOCUMENT_PENDING = 'PENDING';
    private const AUTHENTICATED = 'AUTHENTICATED';

    /**
     * The success's envelope (objects as \stdClass), or the exception.
     *
     * @throws ApiException|ResponseException
     */
    public static function read(string $operationId, int $httpStatus, string $body): \stdClass
    {
        $decoded = Json::decode($body);
        $envelope = $decoded['ok'] && $decoded['value'] instanceof \stdClass ? $decoded['value'] : null;
        $status = $envelope->status ?? null;
        if ($httpStatus === 200 && is_int($status) && $status !== 0) {
            throw self::apiError(self::errorClass($operationId, $envelope), $httpStatus, $envelope, $body);
        }
        [$answerSchema, $successSchema] = Spec::answerSchemas($operationId);
        $documented = $httpStatus === 200 && $status === 0 && Schema::problems($envelope, $answerSchema) === [];
        if (!$documented) {
            throw self::unexpected($operationId, $httpStatus, $envelope, $body, $answerSchema);
        }
        $data = $envelope->data ?? null;
        $problems = Schema::problems($data, $successSchema, 'data');
        if ($problems !== []) {
            throw new ResponseException(
                'success answer lacks what the spec requires of its data (' . self::listed($problems) . ')',
                $httpStatus,
                $body,
            );
        }
        $state = self::sessionState($operationId, $data);
        if ($state !== null && $state !== self::AUTHENTICATED) {
            // A success envelope that says the session is not (yet) authenticated, as the
            // upstream provider answers a pending session: not a success for the caller.
            throw self::apiError(self::errorClass($operationId, $envelope), $httpStatus, $envelope, $body);
        }
        if ($operationId === self::DOCUMENT_OPERATION && ($data->verification_status ?? null) === self::DOCUMENT_PENDING) {
            throw self::apiError(VerificationPendingException::class, $httpStatus, $envelope, $body);
        }
        return $envelope;
    }

    /** Eko's code of an error answer, from `status` or `response_status_id`, or null. */
    public static function errorCode(?\stdClass $envelope): ?int
    {
        $status = $envelope->status ?? null;
        if (is_int($status) && !in_array($status, self::GENERIC_STATUS, true)) {
            return $status;
        }
        $statusId = $envelope->response_status_id ?? null;
        if (is_int($statusId) && ($statusId < self::GENERIC_STATUS_ID_MIN || $statusId > self::GENERIC_STATUS_ID_MAX)) {
            return $statusId;
        }
        return null;
    }

    /** Whether polling again can change this answer (bad keys, input, reference or set-up do not). */
    public static function isFinal(ApiException $error): bool
    {
        if ($error instanceof AuthenticationException || $error instanceof InvalidParamsException || $error instanceof NotFoundException) {
            return true;
        }
        return $error->ekoCode !== null && (self::ERROR_CODES[$error->ekoCode][1] ?? false);
    }

    /** The session state `data` reports in a field the spec types as a SessionState, or null. */
    public static function sessionState(string $operationId, mixed $data): ?string
    {
        if (!$data instanceof \stdClass) {
            return null;
        }
        foreach (Spec::stateFields($operationId) as $name) {
            $value = $data->{$name} ?? null;
            if (is_string($value) && in_array($value, Spec::sessionStates(), true)) {
                return $value;
            }
        }
        return null;
    }

    /** @param mixed $answerSchema */
    private static function unexpected(string $operationId, int $httpStatus, ?\stdClass $envelope, string $body, mixed $answerSchema): EkoException
    {
        $isEnvelope = $envelope !== null && is_int($envelope->status ?? null)
            && Schema::problems($envelope, ['$ref' => '#/components/schemas/Envelope']) === [];
        if ($httpStatus === 403) {
            return self::apiError(AuthenticationException::class, $httpStatus, $isEnvelope ? $envelope : null, $body);
        }
        if ($httpStatus >= 500) {
            return new ResponseException("server error (HTTP $httpStatus)", $httpStatus, $body);
        }
        if (!$isEnvelope) {
            return new ResponseException($body === '' ? 'empty answer' : 'answer is not an Eko JSON envelope', $httpStatus, $body);
        }
        if (!in_array((string) $httpStatus, Spec::responseCodes($operationId), true)) {
            return new ResponseException("unexpected HTTP status $httpStatus", $httpStatus, $body);
        }
        if ($envelope->status !== 0) {
            return self::apiError(self::errorClass($operationId, $envelope), $httpStatus, $envelope, $body);
        }
        $problems = Schema::problems($envelope, $answerSchema);
        return new ResponseException(
            'success answer does not match the spec (' . ($problems === [] ? "HTTP $httpStatus" : self::listed($problems)) . ')',
            $httpStatus,
            $body,
        );
    }

    /**
     * The ApiException class for an answer that is not a success: by its code, then
     * Eko's unknown-reference message, then `invalid_params`, then the session state.
     *
     * @return class-string<ApiException>
     */
    private static function errorClass(string $operationId, \stdClass $envelope): string
    {
        $code = self::errorCode($envelope);
        if ($code !== null && isset(self::ERROR_CODES[$code])) {
            return self::ERROR_CODES[$code][0];
        }
        $message = $envelope->message ?? null;
        if (is_string($message) && in_array(strtolower(rtrim(trim($message), '.')), self::UNKNOWN_REFERENCE_MESSAGES, true)) {
            return NotFoundException::class;
        }
        $invalid = $envelope->invalid_params ?? null;
        if ($invalid instanceof \stdClass && get_object_vars($invalid) !== []) {
            return InvalidParamsException::class;
        }
        return match (self::sessionState($operationId, $envelope->data ?? null)) {
            'PENDING' => VerificationPendingException::class,
            'CONSENT_DENIED' => ConsentDeniedException::class,
            'EXPIRED' => SessionExpiredException::class,
            default => ApiException::class,
        };
    }

    /** @param class-string<ApiException> $class */
    private static function apiError(string $class, int $httpStatus, ?\stdClass $envelope, string $body): ApiException
    {
        $message = $envelope->message ?? null;
        $default = $class === AuthenticationException::class ? 'authentication failed' : 'Eko returned an error';
        $invalid = [];
        if (($envelope->invalid_params ?? null) instanceof \stdClass) {
            foreach (get_object_vars($envelope->invalid_params) as $field => $why) {
                $invalid[(string) $field] = is_string($why) ? $why : json_encode($why);
            }
        }
        $data = isset($envelope->data) ? json_decode(json_encode($envelope->data), true) : null;
        return new $class(
            is_string($message) && $message !== '' ? $message : $default,
            $httpStatus,
            $envelope->status ?? null,
            $envelope->response_status_id ?? null,
            $envelope->response_type_id ?? null,
            $invalid,
            $data,
            $body,
            self::errorCode($envelope),
        );
    }

    /** @param array<string, string> $problems */
    private static function listed(array $problems): string
    {
        $shown = [];
        foreach (array_slice($problems, 0, 3, true) as $field => $problem) {
            $shown[] = "$field $problem";
        }
        return implode('; ', $shown);
    }
}
