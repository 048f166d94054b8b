package pydist

import (
	"slices"
	"strings"
	"testing"
)

func TestTablesParse(t *testing.T) {
	tb, err := parseTables(distsTSV, depsTSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.dists) < 140 {
		t.Errorf("dists.tsv has %d entries, want ~150", len(tb.dists))
	}
	if len(tb.deps) < 150 {
		t.Errorf("deps.tsv has %d entries, want ≥150", len(tb.deps))
	}
}

// Every distribution named as a dependency must have its own line, so that a
// closure over listed distributions is never silently incomplete.
func TestDepsTableClosed(t *testing.T) {
	tb := load()
	for _, e := range tb.deps {
		for _, d := range e.deps {
			if _, ok := tb.deps[Normalize(d)]; !ok {
				t.Errorf("deps.tsv: %s depends on %s, which has no line (add it, with - if it is a leaf)", e.name, d)
			}
		}
	}
}

// A distribution spelled differently in the two tables is a maintenance
// trap: CanonicalName would depend on which table answers.
func TestTablesAgreeOnSpelling(t *testing.T) {
	tb := load()
	for n, d := range tb.dists {
		if e, ok := tb.deps[n]; ok && e.name != d.name {
			t.Errorf("%q in dists.tsv but %q in deps.tsv", d.name, e.name)
		}
	}
	for _, e := range tb.deps {
		for _, d := range e.deps {
			if c := tb.deps[Normalize(d)]; c != nil && c.name != d {
				t.Errorf("deps.tsv: %s lists %q, its own line spells it %q", e.name, d, c.name)
			}
		}
	}
}

func TestParseTablesErrors(t *testing.T) {
	for _, c := range []struct{ dists, deps string }{
		{"PyYAML", ""},
		{"PyYAML\tyaml\nPyYAML\tyaml", ""},
		{"X\tbad-module", ""},
		{"X\tgood.1bad", ""},
		{"", "boto3"},
		{"", "boto3\tbotocore\nboto3\tbotocore"},
		{"", "boto3\tbotocore\tnot a comment"},
	} {
		if _, err := parseTables(c.dists, c.deps); err == nil {
			t.Errorf("parseTables(%q, %q) should fail", c.dists, c.deps)
		}
	}
}

func TestImportNames(t *testing.T) {
	for dist, want := range map[string][]string{
		"PyYAML":                 {"yaml", "_yaml"},
		"pyyaml":                 {"yaml", "_yaml"},
		"python-jose":            {"jose"},
		"python_dateutil":        {"dateutil"},
		"beautifulsoup4":         {"bs4"},
		"Pillow":                 {"PIL"},
		"scikit-learn":           {"sklearn"},
		"opencv-python-headless": {"cv2"},
		"PyJWT":                  {"jwt"},
		"psycopg2-binary":        {"psycopg2"},
		"mysqlclient":            {"MySQLdb"},
		"attrs":                  {"attr", "attrs"},
		"protobuf":               {"google"},
		"google-cloud-storage":   {"google"},
		"grpcio":                 {"grpc"},
		"pycryptodome":           {"Crypto"},
		"pycryptodomex":          {"Cryptodome"},
		"python-dotenv":          {"dotenv"},
		"typing-extensions":      {"typing_extensions"},
		"setuptools":             {"setuptools", "pkg_resources", "_distutils_hack"},
		"aws-lambda-powertools":  {"aws_lambda_powertools"},
		"opensearch-py":          {"opensearchpy"},
		"pyOpenSSL":              {"OpenSSL"},
		"dnspython":              {"dns"},
		"websocket-client":       {"websocket"},
		"requests":               {"requests"},         // default rule
		"Flask-SQLAlchemy":       {"flask_sqlalchemy"}, // default rule
		"some.namespaced-Thing":  {"some_namespaced_thing"},
	} {
		if got := ImportNames(dist); !slices.Equal(got, want) {
			t.Errorf("ImportNames(%q) = %v, want %v", dist, got, want)
		}
	}
	if got := ImportNames("python-Levenshtein"); got != nil {
		t.Errorf("metapackage: %v", got)
	}
	if got := ImportPaths("protobuf"); !slices.Equal(got, []string{"google.protobuf"}) {
		t.Errorf("ImportPaths(protobuf) = %v", got)
	}
	if got := ImportPaths("requests"); !slices.Equal(got, []string{"requests"}) {
		t.Errorf("ImportPaths(requests) = %v", got)
	}
}

func TestDistForImport(t *testing.T) {
	for mod, want := range map[string]string{
		"yaml":                        "PyYAML",
		"jose":                        "python-jose",
		"dateutil":                    "python-dateutil",
		"bs4":                         "beautifulsoup4",
		"PIL":                         "Pillow",
		"cv2":                         "opencv-python-headless",
		"psycopg2":                    "psycopg2-binary",
		"jwt":                         "PyJWT",
		"google.protobuf":             "protobuf",
		"google.protobuf.json_format": "protobuf",
		"google.cloud.storage":        "google-cloud-storage",
		"google.cloud.storage.blob":   "google-cloud-storage",
		"Crypto":                      "pycryptodome",
		"requests":                    "requests", // via deps.tsv default names
		"charset_normalizer":          "charset-normalizer",
		"pydantic_core":               "pydantic-core",
	} {
		got, ok := DistForImport(mod)
		if !ok || got != want {
			t.Errorf("DistForImport(%q) = %q, %v; want %q", mod, got, ok, want)
		}
	}
	for _, mod := range []string{"google", "google.cloud", "no_such_module_xyz", "azure"} {
		if got, ok := DistForImport(mod); ok {
			t.Errorf("DistForImport(%q) = %q, want not found", mod, got)
		}
	}
}

func TestKnownDeps(t *testing.T) {
	for dist, want := range map[string][]string{
		"boto3":                 {"botocore", "jmespath", "s3transfer"},
		"botocore":              {"jmespath", "python-dateutil", "urllib3"},
		"requests":              {"certifi", "charset-normalizer", "idna", "urllib3"},
		"pydantic":              {"annotated-types", "pydantic-core", "typing-extensions", "typing-inspection"},
		"aws-lambda-powertools": {"jmespath", "typing-extensions"},
		"cffi":                  {"pycparser"},
		"pandas":                {"numpy", "python-dateutil", "pytz", "tzdata"},
	} {
		got, ok := KnownDeps(dist)
		if !ok || !slices.Equal(got, want) {
			t.Errorf("KnownDeps(%q) = %v, %v; want %v", dist, got, ok, want)
		}
	}
	if got, ok := KnownDeps("six"); !ok || got != nil {
		t.Errorf("leaf six: %v %v", got, ok)
	}
	if _, ok := KnownDeps("left-pad-for-python"); ok {
		t.Error("unknown dist reported known")
	}
	if got, ok := KnownDeps("BOTO3"); !ok || len(got) != 3 {
		t.Error("lookups must normalize")
	}
}

func TestClosure(t *testing.T) {
	imports, unknown := Closure([]string{"boto3"})
	want := []string{"boto3", "botocore", "dateutil", "jmespath", "s3transfer", "six", "urllib3"}
	if !slices.Equal(imports, want) || len(unknown) != 0 {
		t.Errorf("Closure(boto3) = %v, %v; want %v, []", imports, unknown, want)
	}

	imports, unknown = Closure([]string{"requests", "PyYAML", "cryptography", "my-private-lib", "requests"})
	for _, m := range []string{"requests", "urllib3", "idna", "certifi", "charset_normalizer", "yaml", "_yaml", "cryptography", "cffi", "_cffi_backend", "pycparser", "typing_extensions", "my_private_lib"} {
		if !slices.Contains(imports, m) {
			t.Errorf("closure lacks %s: %v", m, imports)
		}
	}
	if !slices.Equal(unknown, []string{"my-private-lib"}) {
		t.Errorf("unknown = %v", unknown)
	}
	if !slices.IsSorted(imports) {
		t.Error("imports not sorted")
	}

	// An unknown dependency deep in the closure is reported with the table's
	// spelling; here every dependency of fastapi is known.
	_, unknown = Closure([]string{"fastapi"})
	if len(unknown) != 0 {
		t.Errorf("fastapi closure unknown: %v", unknown)
	}
	_, unknown = Closure([]string{"aws-lambda-powertools", "datadog-lambda", "Some_Thing"})
	if !slices.Equal(unknown, []string{"Some_Thing", "datadog-lambda"}) {
		t.Errorf("unknown = %v", unknown)
	}
	if imports, unknown := Closure(nil); imports != nil || unknown != nil {
		t.Errorf("empty closure: %v %v", imports, unknown)
	}
}

func TestCanonicalName(t *testing.T) {
	for in, want := range map[string]string{"pyyaml": "PyYAML", "JINJA2": "Jinja2", "charset_normalizer": "charset-normalizer", "nope-x": "nope-x"} {
		if got := CanonicalName(in); got != want {
			t.Errorf("CanonicalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableHeadersDocumentFormat(t *testing.T) {
	for name, txt := range map[string]string{"dists.tsv": distsTSV, "deps.tsv": depsTSV} {
		if !strings.HasPrefix(txt, "# "+name) || !strings.Contains(txt, "Sources:") {
			t.Errorf("%s: header must name the file and its sources", name)
		}
	}
}

// TestGeneratedTable: pipreqs.tsv widens the curated table (cfn-lint installs cfnlint)
// without overriding it, and keeps each distribution's default names.
func TestGeneratedTable(t *testing.T) {
	if got := ImportNames("cfn-lint"); !slices.Contains(got, "cfnlint") || !slices.Contains(got, "cfn_lint") {
		t.Errorf("ImportNames(cfn-lint) = %v, want cfnlint and cfn_lint", got)
	}
	if !KnowsNames("cfn_lint") || KnowsNames("surely-not-a-listed-dist") {
		t.Errorf("KnowsNames wrong")
	}
	if d, ok := DistForImport("cfnlint"); !ok || d != "cfn-lint" {
		t.Errorf("DistForImport(cfnlint) = %q, %v", d, ok)
	}
	if got := ImportNames("PyYAML"); !slices.Equal(got, []string{"yaml", "_yaml"}) {
		t.Errorf("curated entry overridden: ImportNames(PyYAML) = %v", got)
	}
	if d, ok := DistForImport("azure"); ok {
		t.Errorf("DistForImport(azure) = %q: a namespace several distributions share names none", d)
	}
	tb, err := parseTables(distsTSV, depsTSV)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.addGenerated(pipreqsTSV); err != nil {
		t.Fatalf("pipreqs.tsv: %v", err)
	}
	if !strings.Contains(pipreqsTSV, "# Source: https://github.com/bndr/pipreqs/blob/") {
		t.Errorf("pipreqs.tsv does not name its source")
	}
}
