package cli

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/tree"
)

// TestLimitsTimeoutCancels: --timeout cancels the work's context and waits for the work
// to return (no goroutine left running), then reports the timeout.
func TestLimitsTimeoutCancels(t *testing.T) {
	l := Limits{Timeout: 20 * time.Millisecond, MaxFileSize: int(tree.DefaultMaxFileSize >> 20), MaxTemplateSize: iac.DefaultMaxTemplateSize >> 10}
	returned := false
	err := l.runContext(context.Background(), func(ctx context.Context, _ iac.Limits) error {
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // the work finishing what it was doing
		returned = true
		return ctx.Err()
	})
	var te timeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err %v, want a timeoutError", err)
	}
	if !returned {
		t.Fatal("runContext returned before the work did")
	}
	// Work that finishes in time returns its own result.
	l.Timeout = time.Minute
	want := errors.New("done")
	if err := l.runContext(context.Background(), func(context.Context, iac.Limits) error { return want }); err != want {
		t.Fatalf("err %v, want %v", err, want)
	}
}
