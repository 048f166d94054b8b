package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/tree"
)

// SoftMemoryLimit is the Go runtime's soft memory limit the binary sets (unless
// GOMEMLIMIT is set): the collector works harder past it.
const SoftMemoryLimit = 200 << 20

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

// timeoutError is the run going past --timeout: exit 2.
type timeoutError struct{ d time.Duration }

func (e timeoutError) Error() string {
	return fmt.Sprintf("gave up after %s (--timeout); nothing was reported", e.d)
}

// run applies the limits and runs work. When the timeout passes first, it returns a
// timeoutError and leaves work running: the process is about to exit.
func (l *Limits) run(work func() error) error {
	if l.MaxFileSize <= 0 {
		return usageError{fmt.Sprintf("--max-file-size must be a positive number of MiB, not %d", l.MaxFileSize)}
	}
	if l.MaxTemplateSize <= 0 {
		return usageError{fmt.Sprintf("--max-template-size must be a positive number of KiB, not %d", l.MaxTemplateSize)}
	}
	if l.Timeout < 0 {
		return usageError{fmt.Sprintf("--timeout must not be negative, not %s", l.Timeout)}
	}
	tree.SetMaxFileSize(int64(l.MaxFileSize) << 20)
	iac.SetMaxTemplateSize(int64(l.MaxTemplateSize) << 10)
	if err := iac.SetAllowOutside(l.AllowOutside); err != nil {
		return usageError{err.Error()}
	}
	if l.Timeout == 0 {
		return work()
	}
	done := make(chan error, 1)
	go func() { done <- work() }()
	t := time.NewTimer(l.Timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return timeoutError{l.Timeout}
	}
}
