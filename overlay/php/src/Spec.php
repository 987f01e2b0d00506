<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The spec (resources/openapi.json, written from openapi/eko-digilocker.yaml by
 * `make generate` and checked by `make check-generated`): operations, schemas, servers
 * and the `x-eko-client` policy all come from here, never from a copied number.
 *
 * @internal
 */
final class Spec
{
    private const FILE = __DIR__ . '/../resources/openapi.json';
    private const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

    /** @var array<string, mixed>|null */
    private static ?array $document = null;

    /** @return array<string, mixed> the whole document, decoded as arrays */
    public static function document(): array
    {
        if (self::$document === null) {
            $text = file_get_contents(self::FILE);
            $decoded = $text === false ? null : json_decode($text, true);
            if (!is_array($decoded)) {
                throw new ConfigurationException('the embedded spec (' . self::FILE . ') is missing or not JSON');
            }
            self::$document = $decoded;
        }
        return self::$document;
    }

    /** @return array{method: string, path: string, operation: array<string, mixed>} */
    public static function operation(string $operationId): array
    {
        foreach (self::document()['paths'] as $path => $item) {
            foreach (self::METHODS as $method) {
                if (($item[$method]['operationId'] ?? null) === $operationId) {
                    return ['method' => strtoupper($method), 'path' => $path, 'operation' => $item[$method]];
                }
            }
        }
        throw new \LogicException("the spec has no operation $operationId");
    }

    /** Follows local `$ref`s (`#/components/...`) to the schema they name. */
    public static function resolve(mixed $node): mixed
    {
        while (is_array($node) && isset($node['$ref']) && is_string($node['$ref'])) {
            $target = self::document();
            foreach (explode('/', substr($node['$ref'], 2)) as $name) {
                $target = $target[str_replace(['~1', '~0'], ['/', '~'], $name)];
            }
            // Keywords beside a $ref (OpenAPI 3.1) narrow the target: theirs win.
            $siblings = $node;
            unset($siblings['$ref']);
            $node = $siblings === [] ? $target : array_merge($target, $siblings);
        }
        return $node;
    }

    /** @return array<string, mixed> the request body's schema of an operation */
    public static function bodySchema(string $operationId): array
    {
        $operation = self::operation($operationId)['operation'];
        return self::resolve($operation['requestBody']['content']['application/json']['schema']);
    }

    /** @return array<string, mixed> an object schema made of an operation's query parameters */
    public static function querySchema(string $operationId): array
    {
        $schema = ['type' => 'object', 'properties' => [], 'required' => []];
        foreach (self::operation($operationId)['operation']['parameters'] ?? [] as $parameter) {
            $parameter = self::resolve($parameter);
            if (($parameter['in'] ?? null) !== 'query') {
                continue;
            }
            $schema['properties'][$parameter['name']] = $parameter['schema'];
            if ($parameter['required'] ?? false) {
                $schema['required'][] = $parameter['name'];
            }
        }
        return $schema;
    }

    /** @return list<string> the HTTP statuses an operation documents */
    public static function responseCodes(string $operationId): array
    {
        return array_map('strval', array_keys(self::operation($operationId)['operation']['responses']));
    }

    /** @return array{0: mixed, 1: mixed} the HTTP 200 answer's schema and its `x-eko-success-data` */
    public static function answerSchemas(string $operationId): array
    {
        $answer = self::resolve(self::operation($operationId)['operation']['responses']['200']);
        return [$answer['content']['application/json']['schema'], $answer['x-eko-success-data'] ?? null];
    }

    /** @return list<string> the spec's SessionState values */
    public static function sessionStates(): array
    {
        return self::document()['components']['schemas']['SessionState']['enum'];
    }

    /**
     * @return list<string> the fields of an operation's success data that the spec types
     * as a SessionState (`status` for the upstream provider, `session_status` for the sandbox)
     */
    public static function stateFields(string $operationId): array
    {
        [, $success] = self::answerSchemas($operationId);
        $fields = [];
        foreach (self::resolve($success)['properties'] ?? [] as $name => $property) {
            if (($property['$ref'] ?? null) === '#/components/schemas/SessionState') {
                $fields[] = (string) $name;
            }
        }
        return $fields;
    }

    /** @return array<string, string> environment name => base URL (`x-eko-environment` servers) */
    public static function environments(): array
    {
        $known = [];
        foreach (self::document()['servers'] as $server) {
            if (isset($server['x-eko-environment'])) {
                $known[$server['x-eko-environment']] = $server['url'];
            }
        }
        return $known;
    }

    /** @return array<string, mixed> the root `x-eko-client`, with an operation's own keys over it */
    public static function clientPolicy(?string $operationId = null): array
    {
        $root = self::document()['x-eko-client'];
        if ($operationId === null) {
            return $root;
        }
        return self::merge($root, self::operation($operationId)['operation']['x-eko-client'] ?? []);
    }

    /**
     * @param array<string, mixed> $base
     * @param array<string, mixed> $over
     * @return array<string, mixed>
     */
    private static function merge(array $base, array $over): array
    {
        foreach ($over as $key => $value) {
            $base[$key] = is_array($value) && is_array($base[$key] ?? null) && !array_is_list($value)
                ? self::merge($base[$key], $value)
                : $value;
        }
        return $base;
    }
}
