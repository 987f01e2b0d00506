package eko

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// acceptEncoding is what the client asks for and can decode within the byte limit. Set
// on the request, it also stops net/http from inflating gzip on its own.
const acceptEncoding = "gzip, deflate"

var errTooLarge = errors.New("the answer is larger than the limit")

// networkError is a failure reading the body off the connection (a deadline, a reset),
// as opposed to a body that cannot be decoded.
type networkError struct{ err error }

func (e networkError) Error() string { return e.err.Error() }
func (e networkError) Unwrap() error { return e.err }

// decodeError: the body is not the Content-Encoding it claims, or uses one not asked for.
type decodeError struct{ reason string }

func (e decodeError) Error() string { return e.reason }

type wireReader struct{ r io.Reader }

func (w wireReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && err != io.EOF {
		err = networkError{err}
	}
	return n, err
}

// readBody reads resp's body, decoded, and at most limit bytes of it: decompression
// happens as the bytes stream, so a small gzip body that inflates to gigabytes stops at
// limit+1 bytes held. A deadline mid-body is a networkError wrapping the context's error.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	var reader io.Reader = wireReader{resp.Body}
	for _, coding := range codings(resp.Header.Get("Content-Encoding")) {
		var err error
		if reader, err = decoder(coding, reader); err != nil {
			return nil, err
		}
	}
	var buffer bytes.Buffer
	if resp.ContentLength > 0 && resp.ContentLength <= limit {
		buffer.Grow(int(resp.ContentLength))
	}
	n, err := buffer.ReadFrom(io.LimitReader(reader, limit+1))
	var network networkError
	switch {
	case errors.As(err, &network):
		return nil, err
	case err != nil:
		return nil, decodeError{"the body could not be decoded: " + err.Error()}
	case n > limit:
		return nil, errTooLarge
	}
	return buffer.Bytes(), nil
}

// codings are the Content-Encoding's codings, in the order to undo them.
func codings(header string) []string {
	var found []string
	parts := strings.Split(header, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		coding := strings.ToLower(strings.TrimSpace(parts[i]))
		if coding != "" && coding != "identity" {
			found = append(found, coding)
		}
	}
	return found
}

func decoder(coding string, r io.Reader) (io.Reader, error) {
	switch coding {
	case "gzip", "x-gzip":
		inflated, err := gzip.NewReader(r)
		if err != nil {
			var network networkError
			if errors.As(err, &network) {
				return nil, err
			}
			return nil, decodeError{"the gzip body could not be decoded: " + err.Error()}
		}
		return inflated, nil
	case "deflate":
		return &deflateReader{src: r}, nil
	}
	return nil, decodeError{fmt.Sprintf("the answer uses Content-Encoding %q, which was not asked for", coding)}
}

// deflateReader reads "deflate" as zlib, or as raw deflate when the zlib header is
// missing (some servers send it so).
type deflateReader struct {
	src io.Reader
	r   io.Reader
}

func (d *deflateReader) Read(p []byte) (int, error) {
	if d.r == nil {
		var head [2]byte
		n, err := io.ReadFull(d.src, head[:])
		if err != nil && n == 0 {
			return 0, err
		}
		rest := io.MultiReader(bytes.NewReader(head[:n]), d.src)
		// A zlib header: CM 8 and a check that makes the first two bytes a multiple of 31.
		if n == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
			z, err := zlib.NewReader(rest)
			if err != nil {
				return 0, err
			}
			d.r = z
		} else {
			d.r = flate.NewReader(rest)
		}
	}
	return d.r.Read(p)
}
