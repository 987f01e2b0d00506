<?php

declare(strict_types=1);

namespace Eko\DigiLocker;

/**
 * The input does not match the spec's request schema (or a redirect URL is malformed);
 * nothing was sent. `errors` maps each invalid field to what is wrong with it.
 */
class ValidationException extends EkoException
{
    /** @param array<string, string> $errors field => problem */
    public function __construct(public readonly string $operation, public readonly array $errors)
    {
        $listed = [];
        foreach ($errors as $field => $problem) {
            $listed[] = "$field $problem";
        }
        parent::__construct($operation . ': ' . implode('; ', $listed));
    }

    /** @return list<string> */
    public function fields(): array
    {
        return array_map('strval', array_keys($this->errors));
    }
}
