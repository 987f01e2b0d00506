<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * JSON as the closed answer rule reads it: json_decode keeps `1` (int) apart from `1.0`
 * and `1e0` (float) and turns an integer outside int64 into a float, so integer checks
 * are exact; but it keeps the last of two equal keys, so a scan of the text refuses any
 * object that repeats a key (no "last wins").
 *
 * @internal
 */
final class Json
{
    /** Nesting json_decode accepts; deeper text is not an answer. */
    private const DEPTH = 512;

    /**
     * The value of `text` (objects as \stdClass), or null with `ok` false when it is not
     * JSON or repeats a key in an object.
     *
     * @return array{ok: bool, value: mixed}
     */
    public static function decode(string $text): array
    {
        try {
            $value = json_decode($text, false, self::DEPTH, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return ['ok' => false, 'value' => null];
        }
        return self::repeatsAKey($text) ? ['ok' => false, 'value' => null] : ['ok' => true, 'value' => $value];
    }

    /** Whether any object in `text` (valid JSON) has two keys that decode to one string. */
    public static function repeatsAKey(string $text): bool
    {
        // One frame per open container: the keys seen (objects) or null (arrays), and
        // whether the next string is a key.
        $keys = [];
        $expectKey = [];
        $depth = -1;
        $length = strlen($text);
        for ($i = 0; $i < $length; $i++) {
            $char = $text[$i];
            if ($char === '"') {
                $end = $i + 1;
                while (true) {
                    $end += strcspn($text, "\"\\", $end);
                    if ($text[$end] === '\\') {
                        $end += 2;
                        continue;
                    }
                    break;
                }
                if ($depth >= 0 && $keys[$depth] !== null && $expectKey[$depth]) {
                    // Escapes decoded, so "a" and "\u0061" are the same key.
                    $key = (string) json_decode(substr($text, $i, $end - $i + 1));
                    if (isset($keys[$depth][$key])) {
                        return true;
                    }
                    $keys[$depth][$key] = true;
                    $expectKey[$depth] = false;
                }
                $i = $end;
            } elseif ($char === '{' || $char === '[') {
                $depth++;
                $keys[$depth] = $char === '{' ? [] : null;
                $expectKey[$depth] = $char === '{';
            } elseif ($char === '}' || $char === ']') {
                $depth--;
            } elseif ($char === ',' && $depth >= 0 && $keys[$depth] !== null) {
                $expectKey[$depth] = true;
            }
        }
        return false;
    }
}
