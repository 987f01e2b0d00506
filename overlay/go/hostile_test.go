package eko

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Hostile servers on loopback (real sockets, no mocks): each ends the call in its typed
// error within the call's deadline, and memory stays near one capped answer.

const (
	hostileDeadline = 600 * time.Millisecond
	// deadlineSlack: how late past its deadline a call may end on a loaded machine.
	deadlineSlack = 1500 * time.Millisecond
	capBytes      = 1 << 20
	// Peak heap above the baseline allowed during a call, and bytes allocated in all: a
	// few capped answers' worth. An uncapped read of these answers costs 200 MiB (huge)
	// and 1 GiB (bomb).
	peakHeapBound  = 16 << 20
	allocatedBound = 48 << 20
)

// rawServer answers every connection with serve, after reading the request head.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	t.Cleanup(func() { close(done); listener.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				go func() { <-done; conn.Close() }()
				request, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				io.Copy(io.Discard, request.Body)
				serve(conn)
			}()
		}
	}()
	return "http://" + listener.Addr().String()
}

func hostileClient(t *testing.T, base string) *Client {
	t.Helper()
	client, err := New(Options{BaseURL: base, Keys: Keys{"dev", "access"}, InitiatorID: "9962981729",
		MaxResponseBytes: capBytes, MaxRetries: NoRetries, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// memoryDuring runs call while sampling the heap; it returns the peak heap above the
// baseline and the bytes allocated.
func memoryDuring(call func()) (peak, allocated uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var highest uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var now runtime.MemStats
		for {
			runtime.ReadMemStats(&now)
			if now.HeapAlloc > highest {
				highest = now.HeapAlloc
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	call()
	close(stop)
	<-sampled
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if highest < before.HeapAlloc {
		highest = before.HeapAlloc
	}
	return highest - before.HeapAlloc, after.TotalAlloc - before.TotalAlloc
}

func head(conn net.Conn, headers string) {
	fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%s\r\n", headers)
}

// gzipBomb is gzip that inflates to total zero bytes: one member of 64 MiB of zeros,
// repeated (a gzip reader reads concatenated members as one stream).
func gzipBomb(t *testing.T, total int64) (member []byte, repeats int) {
	t.Helper()
	const chunk = 64 << 20
	var compressed bytes.Buffer
	writer, _ := gzip.NewWriterLevel(&compressed, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for written := 0; written < chunk; written += len(zeros) {
		writer.Write(zeros)
	}
	writer.Close()
	return compressed.Bytes(), int(total / chunk)
}

func TestHostileServers(t *testing.T) {
	member, repeats := gzipBomb(t, 1<<30)
	cases := []struct {
		name  string
		serve func(net.Conn)
		check func(error) bool
		want  string
	}{
		{"hang: no answer at all", func(conn net.Conn) { io.Copy(io.Discard, conn) },
			isTimeout, "*TimeoutError matching context.DeadlineExceeded"},
		{"drip: one body byte every 50 ms", func(conn net.Conn) {
			head(conn, "Content-Length: 4096\r\n")
			for i := 0; i < 4096; i++ {
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}, isTimeout, "*TimeoutError (a deadline mid-body is never malformed)"},
		{"huge body: 200 MiB", func(conn net.Conn) {
			head(conn, "Content-Length: 209715200\r\n")
			filler := bytes.Repeat([]byte("x"), 1<<20)
			for i := 0; i < 200; i++ {
				if _, err := conn.Write(filler); err != nil {
					return
				}
			}
		}, isTooLarge, "*ResponseError with TooLarge"},
		{"gzip bomb: 1 MiB of gzip that inflates to 1 GiB", func(conn net.Conn) {
			head(conn, fmt.Sprintf("Content-Encoding: gzip\r\nContent-Length: %d\r\n", len(member)*repeats))
			for i := 0; i < repeats; i++ {
				if _, err := conn.Write(member); err != nil {
					return
				}
			}
		}, isTooLarge, "*ResponseError with TooLarge"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := hostileClient(t, rawServer(t, c.serve))
			var err error
			var elapsed time.Duration
			peak, allocated := memoryDuring(func() {
				ctx, cancel := context.WithTimeout(context.Background(), hostileDeadline)
				defer cancel()
				started := time.Now()
				_, err = client.GetVerificationStatus(ctx, 7483920)
				elapsed = time.Since(started)
			})
			t.Logf("%v after %v; peak heap +%.1f MiB, %.1f MiB allocated", err, elapsed,
				float64(peak)/(1<<20), float64(allocated)/(1<<20))
			if !c.check(err) {
				t.Fatalf("got %T %v, want %s", err, err, c.want)
			}
			if elapsed > hostileDeadline+deadlineSlack {
				t.Fatalf("took %v, past the %v deadline", elapsed, hostileDeadline)
			}
			if peak > peakHeapBound || allocated > allocatedBound {
				t.Fatalf("peak heap +%d bytes (bound %d), %d allocated (bound %d)", peak, peakHeapBound, allocated, allocatedBound)
			}
		})
	}
}

func isTimeout(err error) bool {
	var timeout *TimeoutError
	return errors.As(err, &timeout) && errors.Is(err, context.DeadlineExceeded)
}

func isTooLarge(err error) bool {
	var response *ResponseError
	return errors.As(err, &response) && response.TooLarge
}

// A hang past the policy's default deadline is bounded by Options.Timeout when the
// context has none.
func TestOptionsTimeoutBoundsACallWithoutDeadline(t *testing.T) {
	base := rawServer(t, func(conn net.Conn) { io.Copy(io.Discard, conn) })
	client, err := New(Options{BaseURL: base, Keys: Keys{"dev", "access"}, InitiatorID: "1",
		Timeout: 300 * time.Millisecond, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	_, err = client.GetVerificationStatus(context.Background(), 1)
	if !isTimeout(err) || time.Since(started) > 300*time.Millisecond+deadlineSlack {
		t.Fatalf("got %v after %v", err, time.Since(started))
	}
}

// Connections that drop before any answer are retried (a GET is idempotent), each
// attempt signed with a later timestamp.
func TestDroppedConnectionsAreRetriedWithFreshSignatures(t *testing.T) {
	var attempts atomic.Int32
	var stamps sync.Map
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			request, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				n := attempts.Add(1)
				stamps.Store(n, request.Header.Get("secret-key-timestamp"))
				if n == 3 {
					body := `{"status":0,"message":"ok","data":{"session_status":"AUTHENTICATED"}}`
					fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
				}
			}
			conn.Close()
		}
	}()
	client, err := New(Options{BaseURL: "http://" + listener.Addr().String(), Keys: Keys{"dev", "access"},
		InitiatorID: "1", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetVerificationStatus(context.Background(), 5); err != nil {
		t.Fatalf("after %d attempts: %v", attempts.Load(), err)
	}
	var previous string
	for n := int32(1); n <= 3; n++ {
		stamp, _ := stamps.Load(n)
		if previous != "" && strings.Compare(stamp.(string), previous) <= 0 {
			t.Fatalf("attempt %d signed at %v, not after %v", n, stamp, previous)
		}
		previous = stamp.(string)
	}
}
