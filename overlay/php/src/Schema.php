<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * Holds a JSON value to one of the spec's schemas, for the keywords the spec uses: $ref,
 * type, enum, const, format uri, minLength/maxLength, pattern, minimum/maximum,
 * properties, required, additionalProperties, items, minItems/maxItems.
 *
 * Values are as json_decode gives them by default (objects as \stdClass, arrays as
 * lists), so `{}` and `[]` stay apart. An integer is a PHP int: a JSON number with a
 * fraction or an exponent (`1.0`, `1e0`) decodes to a float and is not one (the closed
 * answer rule), nor is a number outside int64, which json_decode makes a float.
 *
 * @internal
 */
final class Schema
{
    /** The keywords checked here, and those that only annotate (a test holds the spec to them). */
    public const KEYWORDS = [
        '$ref', 'type', 'enum', 'const', 'format', 'minLength', 'maxLength', 'pattern', 'minimum',
        'maximum', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems',
    ];
    public const ANNOTATIONS = ['description', 'examples', 'example', 'default', 'title', 'deprecated'];

    /** RFC 3986's absolute URI (a scheme, ":", then no whitespace), as `format: uri` asks. */
    private const ABSOLUTE_URI = '/^[A-Za-z][A-Za-z0-9+.\-]*:\S*$/D';

    /**
     * Where `value` breaks `schema`: field path => problem, at most one problem per path
     * (empty when it matches).
     *
     * @return array<string, string>
     */
    public static function problems(mixed $value, mixed $schema, string $where = ''): array
    {
        $found = [];
        self::check($value, $schema, $where, $found);
        return $found;
    }

    /** @param array<string, string> $found */
    private static function check(mixed $value, mixed $schema, string $where, array &$found): void
    {
        $rule = Spec::resolve($schema);
        if (!is_array($rule)) {
            return; // `true` or no schema: anything
        }
        $field = $where === '' ? '(answer)' : $where;
        if (isset($rule['type'])) {
            $types = (array) $rule['type'];
            $matches = false;
            foreach ($types as $type) {
                $matches = $matches || self::hasType($value, $type);
            }
            if (!$matches) {
                $found[$field] = 'must be of type ' . implode(' or ', $types);
                return;
            }
        }
        if (isset($rule['enum']) && !in_array($value, $rule['enum'], true)) {
            $found[$field] = 'must be one of ' . implode(', ', array_map('json_encode', $rule['enum']));
            return;
        }
        if (array_key_exists('const', $rule) && $value !== $rule['const']) {
            $found[$field] = 'must be ' . json_encode($rule['const']);
            return;
        }
        if (is_string($value)) {
            self::checkString($value, $rule, $field, $found);
        } elseif (is_int($value) || is_float($value)) {
            if (isset($rule['minimum']) && $value < $rule['minimum']) {
                $found[$field] = 'must be at least ' . $rule['minimum'];
            } elseif (isset($rule['maximum']) && $value > $rule['maximum']) {
                $found[$field] = 'must be at most ' . $rule['maximum'];
            }
        } elseif (is_array($value)) {
            if (isset($rule['minItems']) && count($value) < $rule['minItems']) {
                $found[$field] = "must have at least {$rule['minItems']} item(s)";
                return;
            }
            if (isset($rule['maxItems']) && count($value) > $rule['maxItems']) {
                $found[$field] = "must have at most {$rule['maxItems']} item(s)";
                return;
            }
            if (isset($rule['items'])) {
                foreach ($value as $index => $item) {
                    self::check($item, $rule['items'], "{$where}[$index]", $found);
                }
            }
        } elseif ($value instanceof \stdClass) {
            self::checkObject($value, $rule, $where, $found);
        }
    }

    /**
     * @param array<string, mixed> $rule
     * @param array<string, string> $found
     */
    private static function checkString(string $value, array $rule, string $field, array &$found): void
    {
        $length = mb_strlen($value, 'UTF-8');
        if (isset($rule['minLength']) && $length < $rule['minLength']) {
            $found[$field] = "is shorter than {$rule['minLength']} characters";
        } elseif (isset($rule['maxLength']) && $length > $rule['maxLength']) {
            $found[$field] = "is longer than {$rule['maxLength']} characters";
        } elseif (isset($rule['pattern']) && preg_match('/' . str_replace('/', '\/', $rule['pattern']) . '/u', $value) !== 1) {
            $found[$field] = "must match {$rule['pattern']}";
        } elseif (($rule['format'] ?? null) === 'uri' && preg_match(self::ABSOLUTE_URI, $value) !== 1) {
            $found[$field] = 'must be a valid uri';
        }
    }

    /**
     * @param array<string, mixed> $rule
     * @param array<string, string> $found
     */
    private static function checkObject(\stdClass $value, array $rule, string $where, array &$found): void
    {
        $prefix = $where === '' ? '' : "$where.";
        $fields = get_object_vars($value);
        foreach ($rule['required'] ?? [] as $name) {
            if (!array_key_exists($name, $fields)) {
                $found[$prefix . $name] = 'is required';
            }
        }
        $properties = $rule['properties'] ?? [];
        $additional = $rule['additionalProperties'] ?? true;
        foreach ($fields as $name => $item) {
            $name = (string) $name;
            if (array_key_exists($name, $properties)) {
                self::check($item, $properties[$name], $prefix . $name, $found);
            } elseif ($additional === false) {
                $found[$prefix . $name] = 'is not a field of this schema';
            } elseif (is_array($additional)) {
                self::check($item, $additional, $prefix . $name, $found);
            }
        }
    }

    private static function hasType(mixed $value, string $type): bool
    {
        return match ($type) {
            'object' => $value instanceof \stdClass,
            'array' => is_array($value) && array_is_list($value),
            'string' => is_string($value),
            'boolean' => is_bool($value),
            'null' => $value === null,
            'integer' => is_int($value),
            'number' => is_int($value) || is_float($value),
            default => false,
        };
    }
}
