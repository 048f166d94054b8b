// Command floor reads every byte a static check of a bench/gen app must read, and
// tokenizes every Python source among them once, and does nothing else: the central
// directory of each zip layer, and the files listed in the app's bench-floor.txt (the
// functions' sources, the reachable layer source that no installed distribution owns,
// the dist-info metadata of the installed distributions). Zip entries are inflated,
// files read whole, and each .py file is then tokenized by pyscan.Tokens — the lexer
// layerkit's import scanner runs, logical line by logical line, with none of the
// scanner's work (no import resolution, no control flow, no syntax check, no rules).
// Work is spread over GOMAXPROCS workers. It is the read-and-tokenize floor bench/run.sh
// and bench/figures.sh compare layerkit with (issue 19.1). Until wave 2's fifth session
// it only read (-read-only keeps that floor).
//
//	go run ./bench/floor [-read-only] APPDIR
package main

import (
	"archive/zip"
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/layerkit/layerkit/internal/pyscan"
)

func main() {
	readOnly := flag.Bool("read-only", false, "read only, do not tokenize (the floor before wave 2's fifth session)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: floor [-read-only] APPDIR")
		os.Exit(2)
	}
	start := time.Now()
	root := flag.Arg(0)
	var tokens, sources atomic.Int64
	// tokenize is the floor's one pass over a source file's bytes.
	tokenize := func(name string, b []byte) {
		if *readOnly || !strings.HasSuffix(name, ".py") {
			return
		}
		n, _ := pyscan.Tokens(b)
		tokens.Add(int64(n))
		sources.Add(1)
	}
	f, err := os.Open(filepath.Join(root, "bench-floor.txt"))
	if err != nil {
		fail(err)
	}
	zips := map[string]map[string]*zip.File{}
	var jobs []func() (int64, error)
	var cd int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		kind, rest, _ := strings.Cut(sc.Text(), " ")
		switch kind {
		case "zip": // the central directory: what opening the archive reads
			zr, err := zip.OpenReader(filepath.Join(root, rest))
			if err != nil {
				fail(err)
			}
			idx := make(map[string]*zip.File, len(zr.File))
			for _, e := range zr.File {
				idx[e.Name] = e
				cd += int64(46 + len(e.Name) + len(e.Extra) + len(e.Comment))
			}
			zips[rest] = idx
		case "entry":
			z, name, _ := strings.Cut(rest, " ")
			e := zips[z][name]
			if e == nil {
				fail(fmt.Errorf("%s: no entry %s", z, name))
			}
			jobs = append(jobs, func() (int64, error) {
				rc, err := e.Open()
				if err != nil {
					return 0, err
				}
				defer rc.Close()
				b := make([]byte, e.UncompressedSize64)
				if _, err := io.ReadFull(rc, b); err != nil {
					return 0, err
				}
				tokenize(name, b)
				return int64(len(b)), nil
			})
		case "file":
			p := filepath.Join(root, rest)
			jobs = append(jobs, func() (int64, error) {
				b, err := os.ReadFile(p)
				if err == nil {
					tokenize(p, b)
				}
				return int64(len(b)), err
			})
		}
	}
	if err := sc.Err(); err != nil {
		fail(err)
	}
	var next, total atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(jobs)) {
					return
				}
				n, err := jobs[i]()
				if err != nil {
					fail(err)
				}
				total.Add(n)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("floor: %d zip(s), %d bytes of central directory, %d files, %d bytes, %d Python sources tokenized (%d tokens), %s\n",
		len(zips), cd, len(jobs), total.Load(), sources.Load(), tokens.Load(), time.Since(start).Round(time.Microsecond))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
