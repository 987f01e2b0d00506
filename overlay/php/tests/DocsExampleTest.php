<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

use PHPUnit\Framework\TestCase;

/**
 * The PHP examples of the README and docs/other-languages.md stay true: each parses, and
 * each call on an Eko\DigiLocker class names a method that exists, with the named
 * arguments it takes.
 */
final class DocsExampleTest extends TestCase
{
    private const DOCS = ['README.md', 'docs/other-languages.md'];
    /** The variables the examples use, and the class each holds. */
    private const HOLDS = [
        'eko' => \Eko\DigiLocker\EkoClient::class,
        'session' => \Eko\DigiLocker\DigilockerSession::class,
        'back' => \Eko\DigiLocker\ConsentRedirect::class,
        'doc' => \Eko\DigiLocker\Document::class,
        'done' => \Eko\DigiLocker\ConsentResult::class,
    ];

    /** @return array<string, array{0: string}> */
    public static function examples(): array
    {
        $found = [];
        foreach (self::DOCS as $doc) {
            $text = (string) file_get_contents(__DIR__ . '/../../../' . $doc);
            preg_match_all('/```php\n(.*?)```/s', $text, $blocks);
            foreach ($blocks[1] as $number => $block) {
                $found["$doc #" . ($number + 1)] = [$block];
            }
        }
        return $found;
    }

    public function testTheDocsHaveAPhpExample(): void
    {
        self::assertNotEmpty(self::examples());
    }

    /** @dataProvider examples */
    public function testTheExampleParses(string $code): void
    {
        $file = (string) tempnam(sys_get_temp_dir(), 'eko-example-');
        // `use` lines at the top, the rest a function body: parsed, never run (it would
        // call Eko's UAT); `...` stands for a value the reader fills in
        preg_match_all('/^use [^;]+;$/m', $code, $uses);
        $body = str_replace('...', '1', (string) preg_replace('/^use [^;]+;$/m', '', $code));
        file_put_contents($file, "<?php\n" . implode("\n", $uses[0]) . "\nfunction example() {\n$body\n}\n");
        exec(escapeshellarg(PHP_BINARY) . ' -l ' . escapeshellarg($file) . ' 2>&1', $output, $status);
        unlink($file);
        self::assertSame(0, $status, implode("\n", $output));
    }

    /** @dataProvider examples */
    public function testEveryCallNamesARealMethodAndItsArguments(string $code): void
    {
        preg_match_all('/(?:\$(\w+)->|(\w+)::)(\w+)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/', $code, $calls, PREG_SET_ORDER);
        $checked = 0;
        foreach ($calls as [$call, $variable, $class, $method, $arguments]) {
            $owner = $variable !== '' ? (self::HOLDS[$variable] ?? null) : 'Eko\\DigiLocker\\' . $class;
            if ($owner === null || !class_exists($owner)) {
                continue;
            }
            self::assertTrue(method_exists($owner, $method), "$call: $owner has no $method()");
            $parameters = array_map(fn ($p) => $p->getName(), (new \ReflectionMethod($owner, $method))->getParameters());
            $unquoted = (string) preg_replace('/\'[^\']*\'|"[^"]*"/', "''", $arguments);
            preg_match_all('/(?<![\w$])(\w+):(?!:)/', $unquoted, $named);
            foreach ($named[1] as $name) {
                self::assertContains($name, $parameters, "$call: $owner::$method() has no parameter $name");
            }
            $checked++;
        }
        preg_match_all('/\$(\w+)->(\w+)(?!\w*\()/', $code, $reads, PREG_SET_ORDER);
        foreach ($reads as [$read, $variable, $property]) {
            if (isset(self::HOLDS[$variable]) && !method_exists(self::HOLDS[$variable], $property)) {
                self::assertTrue(property_exists(self::HOLDS[$variable], $property), "$read: no such property");
                $checked++;
            }
        }
        self::assertGreaterThan(0, $checked, 'the example calls nothing of the package');
    }
}
