<?php

// A scripted HTTP/1.1 server on a loopback port, for this package's tests and the
// conformance runner: real sockets, one connection at a time.
//
//     php server.php SCRIPT_FILE LOG_FILE
//
// prints its port on stdout, then answers request n with step n of SCRIPT_FILE (a JSON
// list, re-read for every request; the last step repeats). A step is the behaviour
// corpus's: `status` (200), `headers`, one body of `json` | `text` | `body_text` (exact
// bytes) | `bytes` (N filler bytes) | `gzip_bomb` (gzip of N zero bytes, streamed),
// `gzip`, `delay_ms` (before the status line), `drip_ms` (one body byte every N ms),
// `hang` (never answer), `close`: "before_answer" | "mid_body". Each request is appended
// to LOG_FILE as a JSON line: method, target, headers, body.

declare(strict_types=1);

[$script, $log] = [$argv[1], $argv[2]];
$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
if ($server === false) {
    fwrite(STDERR, "cannot listen: $error\n");
    exit(1);
}
echo parse_url('tcp://' . stream_socket_get_name($server, false), PHP_URL_PORT), "\n";
fflush(STDOUT);

$served = 0;
while (true) {
    $connection = @stream_socket_accept($server, -1);
    if ($connection === false) {
        continue;
    }
    $request = read_request($connection);
    if ($request === null) {
        fclose($connection);
        continue;
    }
    file_put_contents($log, json_encode($request, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n", FILE_APPEND);
    $steps = json_decode((string) file_get_contents($script), true);
    $step = $steps[min($served, count($steps) - 1)];
    $served++;
    serve($connection, $step);
    @fclose($connection);
}

/** @return array<string, mixed>|null */
function read_request($connection): ?array
{
    $head = '';
    while (!str_contains($head, "\r\n\r\n")) {
        $chunk = fread($connection, 8192);
        if ($chunk === '' || $chunk === false) {
            return null;
        }
        $head .= $chunk;
    }
    [$head, $body] = explode("\r\n\r\n", $head, 2);
    $lines = explode("\r\n", $head);
    [$method, $target] = explode(' ', array_shift($lines));
    $headers = [];
    foreach ($lines as $line) {
        [$name, $value] = array_map('trim', explode(':', $line, 2));
        $headers[strtolower($name)] = $value;
    }
    $length = (int) ($headers['content-length'] ?? 0);
    while (strlen($body) < $length) {
        $chunk = fread($connection, $length - strlen($body));
        if ($chunk === '' || $chunk === false) {
            return null;
        }
        $body .= $chunk;
    }
    return ['method' => $method, 'target' => $target, 'headers' => $headers, 'body' => $body, 'at' => microtime(true)];
}

/** Whether the peer has gone (checked without blocking). */
function gone($connection): bool
{
    stream_set_blocking($connection, false);
    $data = fread($connection, 1);
    $closed = $data === '' && feof($connection);
    stream_set_blocking($connection, true);
    return $closed || $data === false;
}

/** Sleep `ms`, or less if the peer leaves; false when it has. */
function pause($connection, float $ms): bool
{
    $until = microtime(true) + $ms / 1000;
    while (microtime(true) < $until) {
        if (gone($connection)) {
            return false;
        }
        usleep((int) min(20000, max(1, ($until - microtime(true)) * 1e6)));
    }
    return true;
}

/** @param array<string, mixed> $step */
function serve($connection, array $step): void
{
    if (($step['close'] ?? null) === 'before_answer') {
        return;
    }
    if (!empty($step['hang'])) {
        while (pause($connection, 1000)) {
        }
        return;
    }
    if (isset($step['delay_ms']) && !pause($connection, (float) $step['delay_ms'])) {
        return;
    }
    $headers = $step['headers'] ?? [];
    $status = (int) ($step['status'] ?? 200);
    if (isset($step['gzip_bomb'])) {
        $headers += ['Content-Type' => 'application/json', 'Content-Encoding' => 'gzip'];
        write_head($connection, $status, $headers, null);
        $deflate = deflate_init(ZLIB_ENCODING_GZIP, ['level' => 9]);
        $zeros = str_repeat("\0", 1 << 20);
        for ($left = (int) $step['gzip_bomb']; $left > 0; $left -= strlen($zeros)) {
            $out = deflate_add($deflate, $left >= strlen($zeros) ? $zeros : substr($zeros, 0, $left), ZLIB_NO_FLUSH);
            if (@fwrite($connection, $out) === false || gone($connection)) {
                return;
            }
        }
        @fwrite($connection, deflate_add($deflate, '', ZLIB_FINISH));
        return;
    }
    if (isset($step['bytes'])) {
        $headers += ['Content-Type' => 'application/json'];
        write_head($connection, $status, $headers, (int) $step['bytes']);
        $filler = str_repeat('x', 65536);
        for ($left = (int) $step['bytes']; $left > 0; $left -= strlen($filler)) {
            if (@fwrite($connection, $left >= strlen($filler) ? $filler : substr($filler, 0, $left)) === false) {
                return;
            }
        }
        return;
    }
    if (array_key_exists('json', $step)) {
        $body = json_encode($step['json'], JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        $headers += ['Content-Type' => 'application/json'];
    } else {
        $body = (string) ($step['body_text'] ?? $step['text'] ?? '');
        $headers += ['Content-Type' => isset($step['body_text']) ? 'application/json' : 'text/html; charset=utf-8'];
    }
    if (!empty($step['gzip'])) {
        $body = gzencode($body);
        $headers['Content-Encoding'] = 'gzip';
    }
    $midBody = ($step['close'] ?? null) === 'mid_body';
    write_head($connection, $status, $headers, strlen($body));
    if ($midBody) {
        @fwrite($connection, substr($body, 0, intdiv(strlen($body), 2)));
        return;
    }
    if (isset($step['drip_ms'])) {
        for ($i = 0; $i < strlen($body); $i++) {
            if (@fwrite($connection, $body[$i]) === false || !pause($connection, (float) $step['drip_ms'])) {
                return;
            }
        }
        return;
    }
    @fwrite($connection, $body);
}

/** @param array<string, string> $headers */
function write_head($connection, int $status, array $headers, ?int $length): void
{
    $head = "HTTP/1.1 $status Status\r\nConnection: close\r\n";
    foreach ($headers as $name => $value) {
        $head .= "$name: $value\r\n";
    }
    if ($length !== null) {
        $head .= "Content-Length: $length\r\n";
    }
    @fwrite($connection, $head . "\r\n");
}
