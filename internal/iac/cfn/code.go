package cfn

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// DisplayPath returns abs relative to root with forward slashes ("" for root itself).
// A path outside root keeps its "../" prefix; one on another volume stays absolute.
func DisplayPath(root, abs string) string {
	if rel := iac.Rel(root, abs); rel != "." {
		return rel
	}
	return ""
}

// ErrNotFound is returned (wrapped) by OpenLocal when the path does not exist.
var ErrNotFound = errors.New("does not exist")

// OpenLocal opens a local code location: a folder (tree.Dir) or a .zip file
// (tree.Zip). root is the checked PATH's folder, for display names. The returned
// Code has Tree and Display set; isDir tells which it was. Errors: ErrNotFound
// (wrapped) when nothing is there; otherwise a message fit for a note.
//
// A location that resolves (symlinks followed) outside root and outside every
// --allow-outside place of lim is not read: the error is an *iac.OutsideError (Outside
// turns it into the LK410 note). The tree is opened with lim's caps.
func OpenLocal(lim iac.Limits, root, abs string) (code *model.Code, isDir bool, err error) {
	return OpenInside(lim, root, root, abs)
}

// OpenInside is OpenLocal with the folder locations must resolve into given apart
// from root: a CDK nested assembly checked by itself keeps its assets in the cloud
// assembly around it.
func OpenInside(lim iac.Limits, root, inside, abs string) (code *model.Code, isDir bool, err error) {
	return openInside(lim, nil, root, inside, abs)
}

// openInside is OpenInside resolving symlinks through res (nil: none).
func openInside(lim iac.Limits, res *iac.Resolver, root, inside, abs string) (code *model.Code, isDir bool, err error) {
	if err := lim.CheckInsideWith(res, inside, abs); err != nil {
		return nil, false, err
	}
	disp := DisplayPath(root, abs)
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, ErrNotFound
		}
		return nil, false, err
	}
	if fi.IsDir() {
		t, err := lim.Caps().DirStat(abs, disp, fi)
		if err != nil {
			return nil, true, err
		}
		d := disp + "/"
		if disp == "" {
			d = "./"
		}
		return &model.Code{Tree: t, Display: d}, true, nil
	}
	if !strings.EqualFold(filepath.Ext(abs), ".zip") && !strings.EqualFold(filepath.Ext(abs), ".jar") {
		return nil, false, fmt.Errorf("is a file, not a folder or a .zip archive")
	}
	z, err := lim.Zip(abs, disp)
	if err != nil {
		return nil, false, fmt.Errorf("cannot be read as a zip archive: %v", iac.UnwrapPath(err))
	}
	return &model.Code{Tree: z, Display: disp}, false, nil
}

// Outside reports whether err (from OpenLocal or Opener.Open) is a location outside
// the checked folder, and if so adds the LK410 error note naming the property prop
// (CodeUri, Content, ...) as written (written) at pos, for the function fn or the
// layer layer. It returns the note's message.
func (b *Builder) Outside(err error, prop, written, fn, layer string, pos model.Pos) (string, bool) {
	var oe *iac.OutsideError
	if !errors.As(err, &oe) {
		return "", false
	}
	what := "the template it names"
	switch {
	case fn != "":
		what = fn
	case layer != "":
		what = "layer " + layer
	}
	msg := fmt.Sprintf("%s %s resolves to %s, outside the checked folder; layerkit does not read code outside the folder it checks, so %s is not checked",
		prop, written, oe.Resolved, what)
	hint := fmt.Sprintf("Point %s at a folder inside the project; or, if %s is yours, check with --allow-outside %s.", prop, oe.Resolved, oe.Resolved)
	b.Note(rulecode.LK410, model.Error, fn, layer, pos, msg, hint)
	return msg, true
}

// Opener is OpenLocal with read-ahead. A loader builds its model, notes included, in
// template order, one code location at a time; but indexing a large layer's archive
// takes tens of milliseconds, and the archives and folders a template names are
// independent. Prefetch starts opening them in the background, several at once, and
// Open hands each result out when the loader comes to it (or opens the path then, as
// OpenLocal, when Prefetch was not told about it). Loaders change the Code they get, so
// each Open returns a copy; the tree in it is shared. Nothing is held open: a ZipTree
// or DirTree holds no descriptor.
type Opener struct {
	root    string
	lim     iac.Limits
	res     *iac.Resolver // the symlinks of the paths opened, resolved once
	mu      sync.Mutex
	pending map[string]*opening // by absolute path
	opened  map[string]opened   // by absolute path: what Open handed out, as it was opened
}

// opening is one path Prefetch was told about. Whoever starts it (a worker, or Open
// when no worker has yet) runs it; the others wait for done.
type opening struct {
	abs     string
	started bool // guarded by Opener.mu
	done    chan struct{}
	code    *model.Code
	isDir   bool
	err     error
}

// NewOpener returns an Opener for paths under root (OpenLocal's root and limits).
func NewOpener(lim iac.Limits, root string) *Opener {
	return &Opener{root: root, lim: lim, res: iac.NewResolver(), pending: map[string]*opening{}}
}

// Prefetch starts opening paths (absolute), GOMAXPROCS at a time: the archives first,
// largest first (the longest to index), then the rest in order. Of a folder it also
// reads the top listing, which loaders look at (requirements.txt).
func (o *Opener) Prefetch(paths []string) {
	type job struct {
		op   *opening
		size int64 // of an archive; -1 for anything else
	}
	var jobs []job
	o.mu.Lock()
	for _, p := range paths {
		if o.pending[p] != nil {
			continue
		}
		op := &opening{abs: p, done: make(chan struct{})}
		o.pending[p] = op
		size := int64(-1)
		if ext := filepath.Ext(p); strings.EqualFold(ext, ".zip") || strings.EqualFold(ext, ".jar") {
			if fi, err := os.Stat(p); err == nil {
				size = fi.Size()
			}
		}
		jobs = append(jobs, job{op, size})
	}
	o.mu.Unlock()
	slices.SortStableFunc(jobs, func(a, b job) int { return cmp.Compare(b.size, a.size) })
	next := make(chan *opening, len(jobs))
	for _, j := range jobs {
		next <- j.op
	}
	close(next)
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		go func() {
			for op := range next {
				if o.start(op) {
					o.run(op)
				}
			}
		}()
	}
}

// start claims op for the caller; false when someone else has.
func (o *Opener) start(op *opening) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if op.started {
		return false
	}
	op.started = true
	return true
}

func (o *Opener) run(op *opening) {
	op.code, op.isDir, op.err = openInside(o.lim, o.res, o.root, o.root, op.abs)
	if op.err == nil && op.isDir {
		op.code.Tree.Stat("") // reads the top listing, kept by the tree
	}
	close(op.done)
}

// Open is OpenLocal(root, abs), or the result Prefetch got for abs. Each call returns
// a Code of its own (loaders change it), but the tree in it is opened once per path:
// 20,000 functions with one CodeUri share one tree, its listings and what the checker
// caches about its files.
func (o *Opener) Open(abs string) (code *model.Code, isDir bool, err error) {
	o.mu.Lock()
	if r, ok := o.opened[abs]; ok {
		o.mu.Unlock()
		return r.handOut()
	}
	op := o.pending[abs]
	delete(o.pending, abs)
	o.mu.Unlock()
	var r opened
	if op == nil {
		r.code, r.isDir, r.err = openInside(o.lim, o.res, o.root, o.root, abs)
	} else {
		if o.start(op) { // no worker has come to it yet
			o.run(op)
		}
		<-op.done
		r.code, r.isDir, r.err = op.code, op.isDir, op.err
	}
	if r.code != nil {
		pristine := *r.code
		r.code = &pristine
	}
	o.mu.Lock()
	if o.opened == nil {
		o.opened = map[string]opened{}
	}
	o.opened[abs] = r
	o.mu.Unlock()
	return r.handOut()
}

// opened is what OpenLocal gave for a path, kept as it was.
type opened struct {
	code  *model.Code
	isDir bool
	err   error
}

// handOut returns a copy of the Code for a caller to change.
func (r opened) handOut() (*model.Code, bool, error) {
	if r.code == nil {
		return nil, r.isDir, r.err
	}
	c := *r.code
	return &c, r.isDir, r.err
}

// InlineCode is the package CloudFormation makes from inline source (Code.ZipFile,
// SAM InlineCode): one file named index with the runtime's extension (index.py,
// index.js; "index" for other runtimes). label names it for users
// ("template.yaml#MyFunction.ZipFile").
func InlineCode(runtime, source, label string) *model.Code {
	name := "index"
	switch {
	case strings.HasPrefix(runtime, "python"):
		name = "index.py"
	case strings.HasPrefix(runtime, "nodejs"):
		name = "index.js"
	}
	files := map[string]string{name: source}
	if name == "index.py" && importsCfnResponse(source) {
		files[CfnResponseFile] = cfnResponseSource
	}
	return &model.Code{Tree: tree.NewMap(label, files), Display: label}
}

// CfnResponseFile is the module CloudFormation adds beside inline Python code that
// imports it. AWS CloudFormation User Guide, "cfn-response module"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-lambda-function-code-cfnresponsemodule.html):
// "The cfn-response module is available only when you use the ZipFile property to write
// your source code. It isn't available for source code that's stored in Amazon S3
// buckets." and, for Python, "Use this exact import statement [import cfnresponse]. If
// you use other variants of the import statement, CloudFormation doesn't include the
// response module." SAM's InlineCode becomes Code.ZipFile, so it gets it too.
const CfnResponseFile = "cfnresponse.py"

// cfnResponseSource stands in for the module CloudFormation adds: what layerkit needs of
// it is that it exists and defines what callers use.
const cfnResponseSource = `# Provided by AWS CloudFormation beside inline (ZipFile) code that has "import cfnresponse".
SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None):
    pass
`

// importsCfnResponse reports whether inline source has the statement CloudFormation
// looks for: `import cfnresponse` (alone, or first of a comma list), at any indentation.
func importsCfnResponse(source string) bool {
	for _, line := range strings.Split(source, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimLeft(line, " \t"), "import")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		rest = strings.TrimLeft(rest, " \t")
		if tail, ok := strings.CutPrefix(rest, "cfnresponse"); ok && (tail == "" || strings.ContainsAny(tail[:1], " \t\r,;#")) {
			return true
		}
	}
	return false
}
