package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/tree"
)

// SoftMemoryLimit is the Go runtime's soft memory limit the binary sets (unless
// GOMEMLIMIT is set): the collector works harder past it.
const SoftMemoryLimit = 150 << 20

// GCPercent is the collector's GOGC the binary sets with the soft memory limit (unless
// GOGC or GOMEMLIMIT is set).
const GCPercent = 400

// DefaultTimeout is the default wall-clock cap of one check or inspect run.
const DefaultTimeout = 5 * time.Minute

// Limits are the resource flags of check and inspect (README "Limits").
type Limits struct {
	Timeout         time.Duration
	MaxFileSize     int // MiB
	MaxTemplateSize int // KiB
	AllowOutside    []string
}

func (l *Limits) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.DurationVar(&l.Timeout, "timeout", DefaultTimeout, "give up (exit 2) when the run takes longer than this; 0 means no limit")
	f.IntVar(&l.MaxFileSize, "max-file-size", tree.DefaultMaxFileSize>>20, "the largest file (MiB) read from a package or layer, folder or zip; larger ones are not read")
	f.IntVar(&l.MaxTemplateSize, "max-template-size", iac.DefaultMaxTemplateSize>>10, "the largest template, manifest, Terraform or serverless.yml file (KiB) read; a larger one is an input error")
	f.StringArrayVar(&l.AllowOutside, "allow-outside", nil, "a folder outside the checked one that code locations (CodeUri, asset paths, source_dir, ...) may point into; repeatable. Without it such locations are not read")
}

// caps are the read caps of the trees a run opens (--max-file-size, in bytes).
func (l *Limits) caps() tree.Caps { return tree.Caps{MaxFileSize: int64(l.MaxFileSize) << 20} }

// timeoutError is the run going past --timeout: exit 2.
type timeoutError struct{ d time.Duration }

func (e timeoutError) Error() string {
	return fmt.Sprintf("gave up after %s (--timeout); nothing was reported", e.d)
}

// run is runContext for work that does not take a context.
func (l *Limits) run(work func(lim iac.Limits) error) error {
	return l.runContext(context.Background(), func(_ context.Context, lim iac.Limits) error { return work(lim) })
}

// stopGrace is how long runContext waits, after --timeout or Ctrl-C, for the work to
// notice its context is done and return.
const stopGrace = 5 * time.Second

// runContext checks the limits and runs work with them (the caps in bytes, the
// --allow-outside places resolved) and with a context that is cancelled when
// --timeout passes or on Ctrl-C (SIGINT). Nothing is set for the whole process: the
// work passes lim on to what it reads. The work stops at its next look at the
// context and runContext waits for it (at most stopGrace: past that the process is
// about to exit anyway); a timeout is a timeoutError (exit 2), Ctrl-C exit 130.
func (l *Limits) runContext(parent context.Context, work func(ctx context.Context, lim iac.Limits) error) error {
	if l.MaxFileSize <= 0 {
		return usageError{fmt.Sprintf("--max-file-size must be a positive number of MiB, not %d", l.MaxFileSize)}
	}
	if l.MaxTemplateSize <= 0 {
		return usageError{fmt.Sprintf("--max-template-size must be a positive number of KiB, not %d", l.MaxTemplateSize)}
	}
	if l.Timeout < 0 {
		return usageError{fmt.Sprintf("--timeout must not be negative, not %s", l.Timeout)}
	}
	allow, err := iac.ResolveOutside(l.AllowOutside)
	if err != nil {
		return usageError{err.Error()}
	}
	lim := iac.Limits{MaxFileSize: l.caps().MaxFileSize, MaxTemplateSize: int64(l.MaxTemplateSize) << 10, AllowOutside: allow}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt)
	defer stop()
	if l.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.Timeout)
		defer cancel()
	}
	done := make(chan error, 1)
	go func() { done <- work(ctx, lim) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		t := time.NewTimer(stopGrace)
		select {
		case err = <-done:
		case <-t.C:
		}
		t.Stop()
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return timeoutError{l.Timeout}
	case ctx.Err() != nil && parent.Err() == nil:
		return exitError{exitInterrupted}
	}
	return err
}
