package live

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxDownload is the default cap on one download: Lambda's unzipped limit for
// a function and its layers (250 MB) plus room; no valid package is larger zipped.
const DefaultMaxDownload = 300 << 20

// Blob is one package to download: where, and what Lambda says it is.
type Blob struct {
	// What names it for messages ("code of function orders", "layer utils:3").
	What string
	// URL is the presigned location. It is a credential: never printed or logged.
	URL string
	// SHA256 is Lambda's CodeSha256 (standard base64 of the SHA-256 digest).
	SHA256 string
	// Size is Lambda's CodeSize, 0 when unknown.
	Size int64
}

// Downloader fetches blobs into the cache: each digest once (concurrent requests for
// the same digest wait for the first), verified against Lambda's CodeSha256 and size,
// capped in size, retried with backoff on throttling, 5xx, network errors and
// truncated bodies.
type Downloader struct {
	Cache    *Cache
	HTTP     Doer
	MaxSize  int64                                      // 0: DefaultMaxDownload
	Attempts int                                        // 0: 5
	Backoff  func(int) time.Duration                    // nil: Backoff
	Sleep    func(context.Context, time.Duration) error // nil: a timer
	// Slots, when set, bounds the downloads in flight together with the API calls
	// (the Loader's Concurrency).
	Slots chan struct{}

	mu       sync.Mutex
	inflight map[string]*fetchCall

	// Downloads counts completed HTTP downloads, Bytes their size, Hits the blobs
	// found in the cache; Received every byte received, downloads in flight and
	// attempts that failed included (for progress).
	Downloads, Bytes, Hits, Received atomic.Int64
}

type fetchCall struct {
	done chan struct{}
	path string
	err  error
}

// Fetch returns the path of b's content in the cache, downloading it when needed.
// Errors never contain the URL.
func (d *Downloader) Fetch(ctx context.Context, b Blob) (string, error) {
	sum, err := base64.StdEncoding.DecodeString(b.SHA256)
	if err != nil || len(sum) != sha256.Size {
		return "", fmt.Errorf("%s: %w (%q)", b.What, errNoDigest, b.SHA256)
	}
	key := string(sum)
	d.mu.Lock()
	if d.inflight == nil {
		d.inflight = map[string]*fetchCall{}
	}
	if c, ok := d.inflight[key]; ok {
		d.mu.Unlock()
		select {
		case <-c.done:
			return c.path, c.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	c := &fetchCall{done: make(chan struct{})}
	d.inflight[key] = c
	d.mu.Unlock()

	c.path, c.err = d.fetch(ctx, b, sum)
	if c.err != nil { // let a later caller try again
		d.mu.Lock()
		delete(d.inflight, key)
		d.mu.Unlock()
	}
	close(c.done)
	return c.path, c.err
}

func (d *Downloader) fetch(ctx context.Context, b Blob, sum []byte) (string, error) {
	if p, ok := d.Cache.lookup(sum); ok {
		d.Hits.Add(1)
		return p, nil
	}
	max := d.MaxSize
	if max <= 0 {
		max = DefaultMaxDownload
	}
	if b.Size > max {
		return "", fmt.Errorf("%s is %d bytes, over the download cap of %d bytes (--max-download)", b.What, b.Size, max)
	}
	if b.URL == "" {
		return "", fmt.Errorf("%s: Lambda returned no download location", b.What)
	}
	attempts := d.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	backoff := d.Backoff
	if backoff == nil {
		backoff = Backoff
	}
	var last error
	var after time.Duration // the server's Retry-After, when it sent one
	for attempt := 1; attempt <= attempts; attempt++ {
		if attempt > 1 {
			if err := d.sleep(ctx, after+backoff(attempt-1)); err != nil {
				return "", err
			}
		}
		p, retry, wait, err := d.once(ctx, b, sum, max)
		if err == nil {
			return p, nil
		}
		last, after = err, wait
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return "", fmt.Errorf("%s: %w", b.What, last)
}

func (d *Downloader) sleep(ctx context.Context, dur time.Duration) error {
	if d.Sleep != nil {
		return d.Sleep(ctx, dur)
	}
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// once downloads b one time; retry says whether trying again may help, and after
// how long at least the server asked to wait (Retry-After on 429 and 503).
func (d *Downloader) once(ctx context.Context, b Blob, sum []byte, max int64) (path string, retry bool, after time.Duration, err error) {
	path, retry, err = d.download(ctx, b, sum, max, &after)
	return path, retry, after, err
}

func (d *Downloader) download(ctx context.Context, b Blob, sum []byte, max int64, after *time.Duration) (path string, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.URL, nil)
	if err != nil {
		return "", false, errors.New("the download location is not a valid URL")
	}
	if d.Slots != nil {
		if err := take(ctx, d.Slots); err != nil {
			return "", false, err
		}
		defer give(d.Slots)
	}
	resp, err := d.HTTP.Do(req)
	if err != nil {
		return "", true, fmt.Errorf("download failed: %w", scrub(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		if wait, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			*after = wait
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return "", true, fmt.Errorf("download failed: HTTP %d", resp.StatusCode)
	default:
		// 403 from S3 is usually an expired presigned URL.
		return "", false, fmt.Errorf("download failed: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > max {
		return "", false, fmt.Errorf("download is %d bytes, over the cap of %d bytes (--max-download)", resp.ContentLength, max)
	}
	tmp, err := d.Cache.create()
	if err != nil {
		return "", false, fmt.Errorf("cache: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h, counter{&d.Received}), io.LimitReader(resp.Body, max+1))
	if err != nil {
		return "", true, fmt.Errorf("download interrupted after %d bytes: %w", n, scrub(err))
	}
	if n > max {
		return "", false, fmt.Errorf("download is over the cap of %d bytes (--max-download)", max)
	}
	if b.Size > 0 && n != b.Size {
		return "", true, fmt.Errorf("download truncated: got %d of the %d bytes Lambda reports", n, b.Size)
	}
	if got := h.Sum(nil); !bytes.Equal(got, sum) {
		return "", true, fmt.Errorf("SHA-256 mismatch: Lambda reports CodeSha256 %s, the download has %s",
			b.SHA256, base64.StdEncoding.EncodeToString(got))
	}
	if err = tmp.Close(); err != nil {
		return "", false, fmt.Errorf("cache: %w", err)
	}
	p, err := d.Cache.commit(tmp.Name(), sum)
	if err != nil {
		return "", false, fmt.Errorf("cache: %w", err)
	}
	d.Downloads.Add(1)
	d.Bytes.Add(n)
	return p, false, nil
}

// counter counts the bytes written through it.
type counter struct{ n *atomic.Int64 }

func (c counter) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// scrub drops the URL (a presigned URL is a credential) from a transport error.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
