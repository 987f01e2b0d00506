<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Keys and target from the options or the environment: options win over `EKO_*`
 * variables, and every missing one is named at once. The target is `base_url` or
 * `environment` (not both), else `EKO_BASE_URL`, else `EKO_ENVIRONMENT`, else `uat`;
 * the environments are the spec's `x-eko-environment` servers.
 */
final class Settings
{
    public const ENV_VARS = [
        'developer_key' => 'EKO_DEVELOPER_KEY',
        'access_key' => 'EKO_ACCESS_KEY',
        'initiator_id' => 'EKO_INITIATOR_ID',
        'user_code' => 'EKO_USER_CODE',
    ];
    public const DEFAULT_ENVIRONMENT = 'uat';

    private function __construct(
        public readonly string $developerKey,
        #[\SensitiveParameter] public readonly string $accessKey,
        public readonly string $initiatorId,
        public readonly ?string $userCode,
        public readonly string $baseUrl,
    ) {
    }

    /**
     * @param array<string, mixed> $options
     * @param array<string, string>|null $env the environment (getenv() when null)
     */
    public static function resolve(array $options, ?array $env = null): self
    {
        $env ??= getenv();
        $values = [];
        foreach (array_merge(array_keys(self::ENV_VARS), ['base_url', 'environment']) as $name) {
            $value = $options[$name] ?? null;
            if ($value !== null && !is_string($value)) {
                throw new ConfigurationException("$name must be a string, not " . get_debug_type($value));
            }
        }
        $missing = [];
        foreach (self::ENV_VARS as $name => $variable) {
            $value = ($options[$name] ?? '') !== '' ? $options[$name] : ($env[$variable] ?? '');
            $values[$name] = $value === '' ? null : $value;
            if ($values[$name] === null && $name !== 'user_code') {
                $missing[] = "$name (or $variable)";
            }
        }
        if ($missing !== []) {
            throw new ConfigurationException('missing settings: ' . implode(', ', $missing));
        }
        foreach (['developer_key', 'access_key'] as $name) {
            self::checkKey($name, $values[$name]);
        }
        return new self(
            $values['developer_key'],
            $values['access_key'],
            $values['initiator_id'],
            $values['user_code'],
            self::baseUrl($options['base_url'] ?? null, $options['environment'] ?? null, $env),
        );
    }

    /** Show only the last four characters of a key. */
    public static function mask(string $secret): string
    {
        return strlen($secret) > 8 ? '***' . substr($secret, -4) : '***';
    }

    /** `base_url` without a trailing slash, or the ConfigurationException saying what is wrong. */
    public static function checkBaseUrl(string $baseUrl): string
    {
        $parts = parse_url($baseUrl);
        $port = $parts['port'] ?? null;
        if (
            $parts === false || !in_array(strtolower($parts['scheme'] ?? ''), ['http', 'https'], true)
            || ($parts['host'] ?? '') === '' || ($port !== null && ($port < 1 || $port > 65535))
            || preg_match('/\s/', $baseUrl) === 1
        ) {
            throw new ConfigurationException(
                "base_url '$baseUrl' must be an http:// or https:// URL with a host (and a port from 1 to 65535, if any)"
            );
        }
        return rtrim($baseUrl, '/');
    }

    public function __debugInfo(): array
    {
        return [
            'baseUrl' => $this->baseUrl,
            'developerKey' => self::mask($this->developerKey),
            'accessKey' => '***',
            'initiatorId' => $this->initiatorId,
            'userCode' => $this->userCode,
        ];
    }

    /** Refuse a key a header cannot carry (CR, LF, NUL...), naming none of it. */
    private static function checkKey(string $name, string $key): void
    {
        $bad = strspn($key, implode('', array_map('chr', range(0x21, 0x7e))));
        if ($bad < strlen($key)) {
            $position = $bad + 1;
            throw new ConfigurationException(
                "$name must be visible ASCII characters; character $position of " . strlen($key) . ' is not (the key is not shown)'
            );
        }
    }

    /** @param array<string, string> $env */
    private static function baseUrl(?string $baseUrl, ?string $environment, array $env): string
    {
        if (($baseUrl ?? '') !== '' && ($environment ?? '') !== '') {
            throw new ConfigurationException("give base_url or environment, not both (base_url '$baseUrl', environment '$environment')");
        }
        if (($environment ?? '') === '') { // an explicit environment beats EKO_BASE_URL
            $baseUrl = ($baseUrl ?? '') !== '' ? $baseUrl : ($env['EKO_BASE_URL'] ?? '');
        }
        if (($baseUrl ?? '') !== '') {
            return self::checkBaseUrl($baseUrl);
        }
        $name = strtolower(($environment ?? '') !== '' ? $environment : (($env['EKO_ENVIRONMENT'] ?? '') ?: self::DEFAULT_ENVIRONMENT));
        $known = Spec::environments();
        if (!isset($known[$name])) {
            $names = array_keys($known);
            sort($names);
            throw new ConfigurationException("unknown environment '$name': use one of " . implode(', ', $names) . ' or set base_url');
        }
        return $known[$name];
    }
}
