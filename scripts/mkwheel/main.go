// Command mkwheel writes the Python wheel that carries one layerkit binary
// (internal/wheel); scripts/build-wheels.sh runs it once per release target.
//
//	go run ./scripts/mkwheel -version 1.2.3 -target linux/amd64 -bin dist/layerkit -out dist/wheels
//
// It prints the wheel's path. SOURCE_DATE_EPOCH sets the entries' time (default
// 1980-01-01), so the same binary gives the same wheel.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/layerkit/layerkit/internal/wheel"
)

func main() {
	version := flag.String("version", "", "release version (v1.2.3 or a PEP 440 version)")
	target := flag.String("target", "", "GOOS/GOARCH of the binary: "+targets())
	bin := flag.String("bin", "", "the layerkit binary built for -target")
	license := flag.String("license", "LICENSE", "license file shipped in the wheel")
	out := flag.String("out", ".", "folder to write the wheel to")
	flag.Parse()
	if err := run(*version, *target, *bin, *license, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkwheel:", err)
		os.Exit(2)
	}
}

func targets() string {
	var s []string
	for _, t := range wheel.Targets {
		s = append(s, t.String())
	}
	return strings.Join(s, ", ")
}

func run(version, target, bin, license, out string) error {
	v, err := wheel.Version(version)
	if err != nil {
		return err
	}
	goos, goarch, ok := strings.Cut(target, "/")
	if !ok {
		return fmt.Errorf("-target %q: want GOOS/GOARCH, one of %s", target, targets())
	}
	w := &wheel.Wheel{Version: v, Target: wheel.Target{GOOS: goos, GOARCH: goarch}}
	if w.Binary, err = os.ReadFile(bin); err != nil {
		return err
	}
	if license != "" {
		if w.License, err = os.ReadFile(license); err != nil {
			return err
		}
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH %q: %v", s, err)
		}
		w.Time = time.Unix(n, 0).UTC()
	}
	name, err := w.FileName()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(out, name)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := w.Write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
