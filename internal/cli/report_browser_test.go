package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/tree"
	"github.com/layerkit/layerkit/internal/txtardir"
)

// The HTML report (check --format html) opened in a real headless Chromium (Debian's
// chromium, driven over the DevTools protocol with chromedp): for every acceptance app
// in ../shared/cases and ../shared/node-cases and the report's own fixtures, the page logs no console error and
// throws nothing, asks the network for nothing, shows every finding the JSON report
// has, draws for every function a treemap whose rectangles sum to (and fill an area in
// proportion to) the sizes LK402 computes, and marks in the map one winning copy of
// every shadowed module. Without Chromium the test is skipped, and fails when CI is set
// (.ci/run installs it). LAYERKIT_REPORT_APP=DIR opens DIR's report too and logs its
// size and the time it takes to open (docs/benchmarks.md).

// chromium is the browser the test drives: $LAYERKIT_CHROMIUM, else chromium on PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LAYERKIT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: the HTML report's browser test needs it in CI (.ci/run installs the Debian package chromium)")
	}
	t.Skip("no chromium on PATH (apt-get install chromium); the HTML report's browser test is skipped")
	return ""
}

// browserCase is one app whose report the browser opens.
type browserCase struct {
	name, dir string
	// check adds assertions of its own on what the page showed.
	check func(t *testing.T, p *pageFacts)
}

func TestHTMLReportInBrowser(t *testing.T) {
	exe := chromium(t)
	var cases []browserCase
	for _, dir := range sharedCaseDirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("acceptance apps missing: %v (CI needs ../shared beside the repository)", err)
			}
			t.Logf("no %s: only the report's own fixtures are opened", dir)
		}
		n := 0
		for _, e := range entries {
			if e.IsDir() && fileExists(filepath.Join(dir, e.Name(), "expect.txt")) {
				// -short (the inner loop) opens every third app of each language; the
				// full run opens them all (and -short, those the docs picture).
				if n++; testing.Short() && (n-1)%3 != 0 && screenshots[e.Name()] == nil {
					continue
				}
				cases = append(cases, browserCase{name: e.Name(), dir: mustAbs(t, filepath.Join(dir, e.Name()))})
			}
		}
	}
	cases = append(cases,
		browserCase{"shadow", unpack(t, "../layermap/testdata/shadow.txtar"), checkShadowMap},
		browserCase{"markup", unpack(t, "../htmlreport/testdata/markup.txtar"), checkMarkup})
	if app := os.Getenv("LAYERKIT_REPORT_APP"); app != "" {
		cases = append(cases, browserCase{name: "LAYERKIT_REPORT_APP", dir: mustAbs(t, app)})
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	t.Run("inspect", func(t *testing.T) { inspectInBrowser(t, bctx) })
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			html, findings, sizes := reportOf(t, c.dir)
			p := openReport(t, bctx, html, screenshots[c.name])
			checkPage(t, p, findings, sizes)
			if c.check != nil {
				c.check(t, p)
			}
		})
	}
}

// sharedCaseDirs hold the acceptance apps, Python and Node.js.
var sharedCaseDirs = []string{"../../../shared/cases", "../../../shared/node-cases"}

// inspectInBrowser opens the page of layerkit inspect --format html for two layers of
// the shadow fixture: each drawn alone, its modules in the map, its treemap summing to
// LK402's size of it.
func inspectInBrowser(t *testing.T, bctx context.Context) {
	dir := unpack(t, "../layermap/testdata/shadow.txtar")
	out := filepath.Join(t.TempDir(), "inspect.html")
	t.Chdir(dir)
	var stderr bytes.Buffer
	io := &IO{Out: &bytes.Buffer{}, Err: &stderr, Getenv: func(string) string { return "" }}
	if code := Main([]string{"inspect", "layers/b", "layers/shared", "--runtime", "python3.12", "--format", "html", "-o", out}, io); code != 0 {
		t.Fatalf("inspect --format html: exit %d: %s", code, stderr.String())
	}
	sizes := map[string]int64{}
	for _, l := range []string{"layers/b", "layers/shared"} {
		tr, err := tree.Dir(l, l)
		if err != nil {
			t.Fatal(err)
		}
		sizes["layer "+l] = rules.UnzippedSize(tr)
	}
	p := openReport(t, bctx, out, nil)
	checkPage(t, p, nil, sizes)
	want := map[string][]string{"layer layers/b": {"utils"}, "layer layers/shared": {"helpers", "somepkg"}}
	for _, f := range p.Functions {
		var got []string
		for _, c := range f.Chips {
			if c.Col == "layer:0" {
				got = append(got, c.Mod)
			}
		}
		if !slices.Equal(got, want[f.Name]) {
			t.Errorf("%s: the map lists %v, want %v", f.Name, got, want[f.Name])
		}
	}
}

// shot is a picture of the report for the docs: a tab, showing the function whose
// name is fn (the first when ""), taken when LAYERKIT_SCREENSHOTS=DIR:
//
//	go run ./bench/gen -o /tmp/bapp
//	LAYERKIT_SCREENSHOTS=$PWD/docs/images LAYERKIT_REPORT_APP=/tmp/bapp \
//	  go test ./internal/cli -run TestHTMLReportInBrowser -count=1
type shot struct {
	tab, fn, file string
}

// screenshots are the docs' pictures of the report, by case.
var screenshots = map[string][]shot{
	"shadow":               {{"map", "", "report-map.png"}},
	"sam-package-in-layer": {{"findings", "", "report-findings.png"}},
	"LAYERKIT_REPORT_APP":  {{"size", "", "report-size.png"}},
}

// takeScreenshot shows the shot's tab and writes a PNG of the window.
func takeScreenshot(t *testing.T, ctx context.Context, sh shot, out string) {
	t.Helper()
	js := fmt.Sprintf(`(function () {
  var s = document.querySelector("#size .fnsel"), want = %q;
  for (var i = 0; i < s.options.length; i++) if (!want || s.options[i].text.indexOf(want + " (") === 0) { s.value = s.options[i].value; break; }
  s.dispatchEvent(new Event("change"));
  document.getElementById("tab-" + %q).click();
  window.scrollTo(0, 0);
  return true;
})()`, sh.fn, sh.tab)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// unpack writes a txtar fixture to a temporary folder.
func unpack(t *testing.T, file string) string {
	dir := t.TempDir()
	if _, err := txtardir.Unpack(file, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// jsonFinding is a finding of check --format json.
type jsonFinding struct {
	Code, Severity, Function, File, Message string
	Line                                    int
}

// reportOf writes dir's HTML report and returns its path, the findings of the JSON
// report, and the unzipped size of each function as LK402 computes it.
func reportOf(t *testing.T, dir string) (string, []jsonFinding, map[string]int64) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	t.Chdir(dir) // paths as a user running layerkit check in the app's folder sees them
	dir = "."
	var stderr bytes.Buffer
	io := &IO{Out: &bytes.Buffer{}, Err: &stderr, Getenv: func(string) string { return "" }}
	if code := Main([]string{"check", "--format", "html", "-o", out, dir}, io); code > 1 {
		t.Fatalf("check --format html: exit %d: %s", code, stderr.String())
	}
	var js bytes.Buffer
	if code := Main([]string{"check", "--format", "json", dir}, &IO{Out: &js, Err: &stderr, Getenv: io.Getenv}); code > 1 {
		t.Fatalf("check --format json: exit %d: %s", code, stderr.String())
	}
	var rep struct{ Findings []jsonFinding }
	if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	res, err := check.Run(context.Background(), check.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, f := range res.Analyses {
		var n int64
		if c := f.Fn.Code; c != nil && !c.Opaque {
			n += rules.UnzippedSize(c.Tree)
		}
		for _, l := range f.Fn.Layers {
			if l.Inspectable() && !l.Layer.Content.Opaque {
				n += rules.UnzippedSize(l.Layer.Content.Tree)
			}
		}
		sizes[f.Fn.Name] = n
	}
	return out, rep.Findings, sizes
}

// pageFacts is what the page showed, read by pageScript.
type pageFacts struct {
	Functions []struct {
		Name  string  `json:"name"`
		Total int64   `json:"total"`
		Boxes int     `json:"boxes"`
		Sum   int64   `json:"sum"`
		Area  float64 `json:"area"`
		W     float64 `json:"w"`
		H     float64 `json:"h"`
		// Open is the box opened one level down: its size and its boxes' sum.
		// Nested are the boxes drawn with their own boxes inside: size, and the sum.
		Nested []struct {
			Name string `json:"name"`
			S    int64  `json:"s"`
			Sum  int64  `json:"sum"`
		} `json:"nested"`
		Open    string `json:"open"`
		OpenS   int64  `json:"openS"`
		OpenSum int64  `json:"openSum"`
		// Back is how many rectangles there are after Escape goes back up.
		Back  int `json:"back"`
		Chips []struct {
			Col  string `json:"col"`
			Mod  string `json:"mod"`
			Cls  string `json:"cls"`
			Text string `json:"title"`
		} `json:"chips"`
		TableRows int `json:"tableRows"`
		// Lines drawn from imports; Linked the imports whose module has a chip to draw
		// one to; Unlinked those that do not; Failed and Red the failing imports and
		// the red chips.
		Lines    int      `json:"lines"`
		Linked   int      `json:"linked"`
		Unlinked []string `json:"unlinked"`
		Failed   int      `json:"failed"`
		Red      int      `json:"red"`
	} `json:"functions"`
	Findings []struct {
		Code string `json:"code"`
		Text string `json:"text"`
	} `json:"findings"`
	Text string `json:"text"`
	// Keys are what keyboard navigation did wrong.
	Keys    []string `json:"keys"`
	Pwned   bool     `json:"pwned"`
	Markup  int      `json:"markup"`
	Scripts int      `json:"scripts"`
	// what the browser reported while the page was open
	problems []string
	requests []string
	loadMS   float64
	bytes    int64
}

// pageScript walks the report as a user would: for each function, its Size tab (the
// treemap's rectangles, then the first box opened), its Map tab (every module chip);
// then the Findings tab.
const pageScript = `(function () {
  var D = JSON.parse(document.getElementById("data").textContent);
  var out = { functions: [], findings: [], keys: [] };
  function tab(id) { document.getElementById("tab-" + id).click(); }
  // the keys: 1-4 tabs, arrows between tabs, t table view, j/k function
  function key(k, on) { (on || document).dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })); }
  function selected() { return document.querySelector("[role=tab][aria-selected=true]").id; }
  key("2"); if (selected() !== "tab-map") out.keys.push("2 shows " + selected());
  key("ArrowRight", document.activeElement); if (selected() !== "tab-size") out.keys.push("ArrowRight from map shows " + selected());
  key("t"); if (document.getElementById("size-table").hidden) out.keys.push("t does not show the size table");
  key("t"); if (!document.getElementById("size-table").hidden) out.keys.push("t again does not hide it");
  if (D.functions.length > 1) {
    key("j"); if (document.querySelector("#size .fnsel").value !== "1") out.keys.push("j does not choose the next function");
    key("k"); if (document.querySelector("#size .fnsel").value !== "0") out.keys.push("k does not choose the one before");
  }
  key("4"); if (selected() !== "tab-findings") out.keys.push("4 shows " + selected());
  key("1"); if (selected() !== "tab-summary") out.keys.push("1 shows " + selected());
  function choose(i) { var s = document.querySelector("#size .fnsel"); s.value = String(i); s.dispatchEvent(new Event("change")); }
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("#size-pic .tm > div")); }
  function sum(bs) { return bs.reduce(function (s, b) { return s + Number(b.getAttribute("data-size")); }, 0); }
  for (var i = 0; i < D.functions.length; i++) {
    var f = D.functions[i], r = { name: f.name, total: f.total, chips: [] };
    choose(i); tab("size");
    var tm = document.querySelector("#size-pic .tm"), bs = boxes();
    r.boxes = bs.length; r.sum = sum(bs);
    r.nested = [];
    bs.forEach(function (b) {
      var sub = Array.prototype.slice.call(b.querySelectorAll(":scope > div.sub"));
      if (sub.length) r.nested.push({ name: b.getAttribute("data-name"), s: Number(b.getAttribute("data-size")), sum: sum(sub) });
    });
    r.w = parseFloat(tm.style.width); r.h = parseFloat(tm.style.height);
    r.area = bs.reduce(function (s, b) { return s + parseFloat(b.style.width) * parseFloat(b.style.height); }, 0);
    var big = bs.filter(function (b) { return /Enter: open/.test(b.title); })[0];
    if (big) {
      r.open = big.getAttribute("data-name"); r.openS = Number(big.getAttribute("data-size"));
      big.click(); r.openSum = sum(boxes());
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
      r.back = boxes().length;
    }
    document.querySelector("[data-toggle=size]").click();
    r.tableRows = document.querySelectorAll("#size-table tbody tr").length;
    document.querySelector("[data-toggle=size]").click();
    tab("map");
    // a line from each import that resolves to the module it resolves to; the ones that
    // do not, in red
    r.lines = document.querySelectorAll("#map-pic svg.links path").length;
    r.linked = 0; r.unlinked = []; r.failed = 0;
    f.imports.forEach(function (m) {
      if (m.failed) { r.failed++; return; }
      if (!m.to) return;
      if (document.querySelector('#map-pic .col[data-col="' + m.to + '"] .chip[data-mod="' + CSS.escape(m.top) + '"]')) r.linked++;
      else r.unlinked.push(m.module + " → " + m.to);
    });
    r.red = document.querySelectorAll("#map-pic .col:not([data-col]) .chip.miss").length;
    Array.prototype.forEach.call(document.querySelectorAll("#map-pic .col[data-col] .chip"), function (c) {
      r.chips.push({ col: c.parentNode.getAttribute("data-col"), mod: c.getAttribute("data-mod"), cls: c.className, title: c.title });
    });
    out.functions.push(r);
  }
  tab("findings");
  Array.prototype.forEach.call(document.querySelectorAll("article.finding"), function (a) {
    out.findings.push({ code: a.getAttribute("data-code"), text: a.textContent.replace(/\s+/g, " ") });
  });
  out.text = document.body.textContent;
  out.pwned = window.__pwned !== undefined;
  out.markup = document.querySelectorAll("img, b[onmouseover]").length;
  out.scripts = document.scripts.length;
  return out;
})()`

// openReport opens the report in a new tab, records what the browser reports, and
// reads the page.
func openReport(t *testing.T, bctx context.Context, file string, shots []shot) *pageFacts {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()
	rec := &pageFacts{} // what the browser reports, under mu
	url := "file://" + filepath.ToSlash(mustAbs(t, file))
	var mu sync.Mutex
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				rec.problems = append(rec.problems, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			rec.problems = append(rec.problems, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg))
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
				rec.problems = append(rec.problems, fmt.Sprintf("log %s (%s): %s %s", e.Entry.Level, e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			if e.Request.URL != url {
				rec.requests = append(rec.requests, e.Request.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	// opened: the load event handled (the script has drawn the first function) and the
	// first paint done, in ms from the start of navigation
	nav, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`new Promise(function (ok) {
  requestAnimationFrame(function () {
    var p = performance.getEntriesByName("first-contentful-paint")[0];
    ok(Math.max(performance.getEntriesByType("navigation")[0].loadEventEnd, p ? p.startTime : 0));
  });
})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	facts, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](pageScript))
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	mu.Lock()
	facts.problems, facts.requests = slices.Clone(rec.problems), slices.Clone(rec.requests)
	mu.Unlock()
	p := &facts
	p.loadMS = nav
	if dir := os.Getenv("LAYERKIT_SCREENSHOTS"); dir != "" {
		for _, sh := range shots {
			takeScreenshot(t, ctx, sh, filepath.Join(dir, sh.file))
		}
	}
	if fi, err := os.Stat(file); err == nil {
		p.bytes = fi.Size()
	}
	t.Logf("%d bytes, %d function(s), open (loaded, first paint) in %.0f ms", p.bytes, len(p.Functions), p.loadMS)
	return p
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// checkPage asserts what every report must show.
func checkPage(t *testing.T, p *pageFacts, findings []jsonFinding, sizes map[string]int64) {
	t.Helper()
	for _, s := range p.problems {
		t.Errorf("browser: %s", s)
	}
	for _, u := range p.requests {
		t.Errorf("the page asked the network for %s", u)
	}
	for _, k := range p.Keys {
		t.Errorf("keyboard: %s", k)
	}
	if p.Scripts != 2 {
		t.Errorf("%d script elements, want the report's 2 (data, code)", p.Scripts)
	}
	// every finding, with its message, function and place
	if len(p.Findings) != len(findings) {
		t.Errorf("page shows %d findings, the JSON report has %d", len(p.Findings), len(findings))
	}
	for _, f := range findings {
		found := false
		for _, g := range p.Findings {
			if g.Code == f.Code && strings.Contains(g.Text, strings.Join(strings.Fields(f.Message), " ")) &&
				strings.Contains(g.Text, f.Function) && (f.File == "" || strings.Contains(g.Text, f.File)) &&
				strings.Contains(g.Text, f.Severity) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("finding not on the page: %s %s %s %s:%d %s", f.Code, f.Severity, f.Function, f.File, f.Line, f.Message)
		}
	}
	if len(p.Functions) != len(sizes) {
		t.Errorf("page shows %d functions, the check has %d", len(p.Functions), len(sizes))
	}
	for _, f := range p.Functions {
		want, ok := sizes[f.Name]
		if !ok {
			t.Errorf("function %q is not the check's", f.Name)
			continue
		}
		// the treemap's rectangles sum to the size LK402 judges
		if f.Total != want || f.Sum != want {
			t.Errorf("%s: treemap rectangles sum to %d (total shown %d), layerkit computes %d", f.Name, f.Sum, f.Total, want)
		}
		if want > 0 && (f.Boxes == 0 || math.Abs(f.Area-f.W*f.H) > 0.005*f.W*f.H) {
			t.Errorf("%s: %d rectangles cover %.0f px², the treemap is %.0f×%.0f", f.Name, f.Boxes, f.Area, f.W, f.H)
		}
		for _, n := range f.Nested {
			if n.S != n.Sum {
				t.Errorf("%s: box %q weighs %d, the boxes drawn inside it %d", f.Name, n.Name, n.S, n.Sum)
			}
		}
		if f.Open != "" && f.OpenSum != f.OpenS {
			t.Errorf("%s: box %q weighs %d, its rectangles %d", f.Name, f.Open, f.OpenS, f.OpenSum)
		}
		if f.Open != "" && f.Back != f.Boxes {
			t.Errorf("%s: Escape from %q shows %d rectangles, the top level has %d", f.Name, f.Open, f.Back, f.Boxes)
		}
		if want > 0 && f.TableRows == 0 {
			t.Errorf("%s: the size table view is empty", f.Name)
		}
		if f.Lines != f.Linked || len(f.Unlinked) > 0 {
			t.Errorf("%s: %d import lines drawn, %d imports resolve to a module on the map; not on it: %v", f.Name, f.Lines, f.Linked, f.Unlinked)
		}
		if f.Red != f.Failed {
			t.Errorf("%s: %d red imports, %d fail", f.Name, f.Red, f.Failed)
		}
		// each shadowed chip has a winning copy drawn
		for _, c := range f.Chips {
			if !strings.Contains(c.Cls, "shadowed") {
				continue
			}
			wins := 0
			for _, d := range f.Chips {
				if d.Mod == c.Mod && strings.Contains(d.Cls, "win") {
					wins++
				}
			}
			if wins != 1 {
				t.Errorf("%s: %s in %s is shadowed (%s) and %d copies win", f.Name, c.Mod, c.Col, c.Text, wins)
			}
		}
	}
}

// checkShadowMap: in the shadow fixture's map, utils wins in UtilsB (the last layer to
// write /opt/python/utils/__init__.py) and is greyed in UtilsA; helpers wins in
// /var/task; boto3 in the Boto layer (layer:3) over the runtime's.
func checkShadowMap(t *testing.T, p *pageFacts) {
	want := map[string]string{"utils": "layer:1", "helpers": "task", "boto3": "layer:3"}
	shadowed := map[string]string{"utils": "layer:0", "helpers": "layer:2", "boto3": "runtime"}
	if len(p.Functions) != 1 {
		t.Fatalf("%d functions", len(p.Functions))
	}
	if f := p.Functions[0]; f.Lines != 3 || f.Red != 1 {
		t.Errorf("map: %d import lines (boto3, helpers, utils), %d red (nothere)", f.Lines, f.Red)
	}
	for mod, col := range want {
		var got, grey []string
		for _, c := range p.Functions[0].Chips {
			if c.Mod != mod {
				continue
			}
			if strings.Contains(c.Cls, " win") {
				got = append(got, c.Col)
			}
			if strings.Contains(c.Cls, "shadowed") {
				grey = append(grey, c.Col)
			}
		}
		if len(got) != 1 || got[0] != col {
			t.Errorf("map: %s wins in %v, want %s", mod, got, col)
		}
		if len(grey) != 1 || grey[0] != shadowed[mod] {
			t.Errorf("map: %s greyed in %v, want %s", mod, grey, shadowed[mod])
		}
	}
}

// checkMarkup: names holding markup are shown as text, and none of it runs.
func checkMarkup(t *testing.T, p *pageFacts) {
	if p.Pwned {
		t.Error("a script from the app's names ran")
	}
	if p.Markup != 0 {
		t.Errorf("%d elements made from the app's names", p.Markup)
	}
	for _, s := range []string{"<script>window.__pwned=2</script>", "app.<img src=x onerror=window.__pwned=3>", "<b onmouseover=x>"} {
		if !strings.Contains(p.Text, s) {
			t.Errorf("the page does not show %q as text", s)
		}
	}
}
