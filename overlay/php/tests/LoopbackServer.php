<?php

declare(strict_types=1);

namespace Eko\DigiLocker\Tests;

/** server.php in a child process: set its steps, read what it was sent. */
final class LoopbackServer
{
    /** @var resource */
    private $process;
    private string $script;
    private string $log;
    public readonly string $baseUrl;

    public function __construct()
    {
        $this->script = (string) tempnam(sys_get_temp_dir(), 'eko-steps-');
        $this->log = (string) tempnam(sys_get_temp_dir(), 'eko-log-');
        $this->steps([['status' => 200, 'text' => '']]);
        $command = [PHP_BINARY, '-d', 'memory_limit=256M', __DIR__ . '/server.php', $this->script, $this->log];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => STDERR], $pipes);
        if ($process === false) {
            throw new \RuntimeException('cannot start the loopback server');
        }
        $this->process = $process;
        $port = trim((string) fgets($pipes[1]));
        if (!ctype_digit($port)) {
            throw new \RuntimeException("the loopback server did not start (said '$port')");
        }
        $this->baseUrl = "http://127.0.0.1:$port";
    }

    /** @param list<array<string, mixed>> $steps the answers to give, in order (the last repeats) */
    public function steps(array $steps): void
    {
        file_put_contents($this->script, json_encode($steps, JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION));
        file_put_contents($this->log, '');
    }

    /** @return list<array{method: string, target: string, headers: array<string, string>, body: string, at: float}> */
    public function requests(): array
    {
        $lines = array_filter(explode("\n", (string) file_get_contents($this->log)));
        return array_values(array_map(fn ($line) => json_decode($line, true), $lines));
    }

    public function stop(): void
    {
        proc_terminate($this->process);
        proc_close($this->process);
        @unlink($this->script);
        @unlink($this->log);
    }
}
