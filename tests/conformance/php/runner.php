<?php

// The PHP client (overlay/php, package eko/digilocker) through the runner protocol
// (docs/conformance.md): one JSON object per line on stdout, every judgement the harness's.
//
//     php tests/conformance/php/runner.php answers FILE | behaviour FILE | redirects FILE
//                                          | journey BASE_URL PROFILE | policy
//
// Answers go through the client's real HTTP path: each case's status and exact body
// bytes are served by a loopback server (overlay/php/tests/server.php).

declare(strict_types=1);

require __DIR__ . '/../../../overlay/php/tests/bootstrap.php';

use Eko\DigiLocker\ApiException;
use Eko\DigiLocker\ConfigurationException;
use Eko\DigiLocker\ConnectionException;
use Eko\DigiLocker\ConsentRedirect;
use Eko\DigiLocker\ConsentResult;
use Eko\DigiLocker\EkoClient;
use Eko\DigiLocker\EkoException;
use Eko\DigiLocker\ResponseException;
use Eko\DigiLocker\ResponseTooLargeException;
use Eko\DigiLocker\TimeoutException;
use Eko\DigiLocker\ValidationException;
use Eko\DigiLocker\VerificationPendingException;
use Eko\DigiLocker\Tests\LoopbackServer;

// the same as the Python runner's and tests/conformance/test_journey.py's: a repeat of the
// journey's create with its client_ref_id and body must be the same session
const REDIRECT_URL = 'https://yourapp.example/kyc/callback';
// Eko's public UAT keys (the sandbox's default pair).
const UAT = [
    'developer_key' => 'becbbce45f79c6f5109f848acd540567',
    'access_key' => 'd2fe1d99-6298-4af2-8cc5-d97dcf46df30',
    'initiator_id' => '9962981729',
    'user_code' => '20810200',
];

function emit(array $line): void
{
    echo json_encode($line, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION), "\n";
    flush();
}

/** @return array{0: string, 1: ?int} the protocol's outcome and code for an exception */
function outcome_of(EkoException $error): array
{
    return match (true) {
        $error instanceof ValidationException, $error instanceof ConfigurationException => ['invalid_input', null],
        $error instanceof ApiException => $error->httpStatus !== 200
            ? ['http_error', null]
            : [$error instanceof VerificationPendingException ? 'pending' : 'business_error', $error->ekoCode],
        $error instanceof ResponseTooLargeException => ['too_large', null],
        $error instanceof ResponseException => [$error->httpStatus !== null && $error->httpStatus !== 200 ? 'http_error' : 'malformed', null],
        $error instanceof TimeoutException => ['timeout', null],
        $error instanceof ConnectionException => ['connection_error', null],
        default => throw $error,
    };
}

function short_name(object $value): string
{
    return substr(strrchr('\\' . get_class($value), '\\'), 1);
}

function failed(EkoException $error): array
{
    [$outcome, $code] = outcome_of($error);
    // `message`: Eko's own words for an error answer (test_journey compares them with Python's)
    $message = $error instanceof ApiException ? $error->ekoMessage : $error->getMessage();
    return ['outcome' => $outcome, 'code' => $code, 'values' => new stdClass(), 'error' => short_name($error), 'message' => $message];
}

/** Outcome, code, values (a success's data) and error type of one call. */
function reading(callable $call): array
{
    try {
        $answer = $call();
    } catch (EkoException $error) {
        return failed($error);
    }
    return ['outcome' => 'success', 'code' => null, 'values' => json_decode($answer->dataJson()), 'error' => null];
}

// --- answers -----------------------------------------------------------------------------

function answers(string $file): void
{
    $server = new LoopbackServer();
    try {
        $eko = new EkoClient(UAT + ['base_url' => $server->baseUrl, 'max_retries' => 0, 'timeout' => 30.0]);
        foreach (json_decode((string) file_get_contents($file))->cases as $case) {
            if (isset($case->body_text)) {
                $body = $case->body_text;
            } else {
                $body = is_string($case->body) ? $case->body : json_encode($case->body, JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
            }
            $server->steps([['status' => $case->http_status, 'body_text' => $body, 'headers' => ['Content-Type' => 'application/json']]]);
            $call = match ($case->operation) {
                'createDigilockerUrl' => fn () => $eko->createDigilockerUrl(REDIRECT_URL, ['AADHAAR']),
                'getDigilockerVerificationStatus' => fn () => $eko->getVerificationStatus(7483920),
                'getDigilockerDocument' => fn () => $eko->getDocument(7483920, 'VER-7483920', ['AADHAAR']),
            };
            emit(['name' => $case->name] + reading($call));
        }
    } finally {
        $server->stop();
    }
}

// --- behaviour ---------------------------------------------------------------------------

function client_for(stdClass $case, stdClass $keys): EkoClient
{
    $options = (array) ($case->call->options ?? []);
    $given = (array) ($case->call->input ?? []);
    $settings = [
        'developer_key' => $keys->developer_key,
        'access_key' => $keys->access_key,
        'initiator_id' => array_key_exists('initiator_id', $given) ? $given['initiator_id'] : $keys->initiator_id,
        'user_code' => $keys->user_code,
        'base_url' => $case->base_url,
    ];
    if (isset($options['timeout_ms']) && $case->call->operation !== 'waitForConsent') {
        $settings['timeout'] = $options['timeout_ms'] / 1000;
    }
    foreach (['max_retries', 'max_response_bytes'] as $name) {
        if (isset($options[$name])) {
            $settings[$name] = $options[$name];
        }
    }
    return new EkoClient($settings);
}

/** The wire-named input as the PHP call's arguments; a value of the wrong PHP type is invalid input too. */
function invoke(EkoClient $eko, stdClass $call): mixed
{
    $given = json_decode(json_encode($call->input ?? new stdClass()), true);
    $options = (array) ($call->options ?? []);
    try {
        return match ($call->operation) {
            'createDigilockerUrl' => $eko->createDigilockerUrl(
                $given['redirect_url'] ?? throw new ValidationException('createDigilockerUrl', ['redirect_url' => 'is required']),
                $given['document_requested'] ?? null,
                $given['client_ref_id'] ?? null,
                $given['user_code'] ?? null,
            ),
            'getDigilockerVerificationStatus' => $eko->getVerificationStatus(
                $given['reference_id'] ?? throw new ValidationException('getVerificationStatus', ['reference_id' => 'is required']),
                $given['client_ref_id'] ?? null,
                $given['user_code'] ?? null,
            ),
            'getDigilockerDocument' => $eko->getDocument(
                $given['reference_id'] ?? throw new ValidationException('getDocument', ['reference_id' => 'is required']),
                $given['verification_id'] ?? throw new ValidationException('getDocument', ['verification_id' => 'is required']),
                $given['document_type'] ?? null,
                $given['client_ref_id'] ?? null,
                $given['user_code'] ?? null,
            ),
            'waitForConsent' => $eko->waitForConsent(
                $given['reference_id'] ?? throw new ValidationException('waitForConsent', ['reference_id' => 'is required']),
                timeout: isset($options['timeout_ms']) ? $options['timeout_ms'] / 1000 : null,
                interval: isset($options['interval_ms']) ? $options['interval_ms'] / 1000 : null,
            ),
        };
    } catch (TypeError $wrongType) {
        // PHP's own check of an argument's type (a number where a string goes): the same
        // refusal as the schema's, made before anything is sent.
        throw new ValidationException($call->operation, ['(input)' => $wrongType->getMessage()]);
    }
}

function consent_reading(ConsentResult $result): array
{
    $state = $result->state->value;
    if ($result->details !== null) {
        return ['outcome' => 'success', 'code' => null, 'values' => (object) (['state' => $state] + (array) json_decode($result->details->dataJson())), 'error' => null];
    }
    if ($state === 'TIMED_OUT') {
        return ['outcome' => 'timeout', 'code' => null, 'values' => ['state' => $state], 'error' => null];
    }
    $error = $result->error;
    return ['outcome' => 'business_error', 'code' => $error?->ekoCode, 'values' => ['state' => $state], 'error' => $error === null ? null : short_name($error)];
}

function behaviour_case(stdClass $case, stdClass $keys): array
{
    $started = hrtime(true);
    try {
        $eko = client_for($case, $keys);
        $answer = invoke($eko, $case->call);
        $got = $answer instanceof ConsentResult ? consent_reading($answer)
            : ['outcome' => 'success', 'code' => null, 'values' => json_decode($answer->dataJson()), 'error' => null];
    } catch (EkoException $error) {
        $got = failed($error);
    }
    return ['name' => $case->name] + $got + ['elapsed_ms' => (int) round((hrtime(true) - $started) / 1e6)];
}

// --- redirects ---------------------------------------------------------------------------

function redirect_case(stdClass $case): array
{
    try {
        $back = ConsentRedirect::parse($case->url);
    } catch (ValidationException $error) {
        return ['name' => $case->name, 'outcome' => 'invalid_input', 'code' => null, 'values' => new stdClass(), 'error' => short_name($error)];
    }
    $values = ['reference_id' => $back->referenceId, 'verification_id' => $back->verificationId, 'denied' => $back->denied, 'error' => $back->error];
    return ['name' => $case->name, 'outcome' => 'ok', 'code' => null, 'values' => $values, 'error' => null];
}

// --- journey -----------------------------------------------------------------------------

/** Create, a forced 301, pending status, approval (the sandbox's control surface), status, document. */
function journey(string $url, string $profile): void
{
    $prefix = 'PHP' . strtoupper($profile[0]) . (getmypid() % 100000);
    $eko = new EkoClient(UAT + ['base_url' => $url, 'max_retries' => 0, 'timeout' => 30.0]);
    $step = function (string $name, callable $call, array $extra = []): array {
        $line = ['name' => $name] + reading($call) + $extra;
        emit($line);
        return $line;
    };
    $created = $step('create', fn () => $eko->createDigilockerUrl(REDIRECT_URL, ['AADHAAR'], "$prefix-create"), ['client_ref_id' => "$prefix-create"]);
    $referenceId = $created['values']->reference_id;
    $step('forced_301', fn () => $eko->createDigilockerUrl(REDIRECT_URL, ['AADHAAR'], 'SCENARIO-301'), ['client_ref_id' => 'SCENARIO-301']);
    $step('pending', fn () => $eko->getVerificationStatus($referenceId, "$prefix-pending"));
    $approved = sandbox_post("$url/_sandbox/sessions/$referenceId/approve");
    $verificationId = $approved['verification_id'];
    emit(['name' => 'approve', 'outcome' => 'success', 'code' => null, 'error' => null,
        'values' => ['reference_id' => $referenceId, 'verification_id' => $verificationId]]);
    $step('status', fn () => $eko->getVerificationStatus($referenceId, "$prefix-status"));
    $step('document', fn () => $eko->getDocument($referenceId, $verificationId, ['AADHAAR'], "$prefix-doc"));
}

/** @return array<string, mixed> a control-surface POST's JSON answer */
function sandbox_post(string $url): array
{
    $context = stream_context_create(['http' => ['method' => 'POST', 'timeout' => 10, 'header' => "Content-Type: application/json\r\n"]]);
    $answer = file_get_contents($url, false, $context);
    $decoded = $answer === false ? null : json_decode($answer, true);
    if (!is_array($decoded)) {
        throw new RuntimeException("POST $url failed");
    }
    return $decoded;
}

// --- policy ------------------------------------------------------------------------------

function policy(): array
{
    return (new EkoClient(UAT + ['base_url' => 'http://127.0.0.1:9']))->policy()->toSpecShape();
}

// --- main --------------------------------------------------------------------------------

[$command, $args] = [$argv[1] ?? '', array_slice($argv, 2)];
if ($command === 'answers' && count($args) === 1) {
    answers($args[0]);
} elseif ($command === 'behaviour' && count($args) === 1) {
    $corpus = json_decode((string) file_get_contents($args[0]));
    foreach ($corpus->cases as $case) {
        emit(behaviour_case($case, $corpus->keys));
    }
} elseif ($command === 'redirects' && count($args) === 1) {
    foreach (json_decode((string) file_get_contents($args[0]))->cases as $case) {
        emit(redirect_case($case));
    }
} elseif ($command === 'journey' && count($args) === 2) {
    journey($args[0], $args[1]);
} elseif ($command === 'policy' && $args === []) {
    emit(policy());
} else {
    fwrite(STDERR, "usage: runner.php answers FILE | behaviour FILE | redirects FILE | journey BASE_URL PROFILE | policy\n");
    exit(2);
}
