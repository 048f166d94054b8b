package check

import (
	"context"
	"errors"
	"testing"
)

// TestRunCancelled: a check whose context is done stops with the context's error, and
// reports nothing.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, Options{Path: "../../examples"})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run with a cancelled context: %v, %v; want context.Canceled and no result", res, err)
	}
}
