// Package publiclayers knows the layers that publishers (AWS, observability vendors,
// Klayers) make public, and which Python modules each provides, so that a function that
// attaches one by ARN is checked against it instead of "might provide anything".
// The table is data: layers.tsv, embedded.
package publiclayers

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/pydist"
)

//go:embed layers.tsv
var table string

// Layer is what is known about a public layer.
type Layer struct {
	What    string   // "Powertools for AWS Lambda (Python)"
	Modules []string // top-level import names under /opt/python
	// Complete is true when Modules is all the Python code the layer ships.
	Complete bool
}

type row struct {
	account  string
	name     *regexp.Regexp
	modules  []string
	complete bool
	what     string
}

// placeholder is an unresolved ${...} (a pseudo parameter such as ${AWS::Region}).
var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// load parses the embedded table on first use.
var load = sync.OnceValue(func() []row {
	rows, err := parse(table)
	if err != nil {
		panic("publiclayers: layers.tsv: " + err.Error())
	}
	return rows
})

func parse(text string) ([]row, error) {
	var out []row
	for n, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: want 5 tab-separated fields, got %d", n+1, len(f))
		}
		re, err := regexp.Compile("^(?:" + f[1] + ")$")
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		r := row{account: f[0], name: re, complete: f[3] == "yes", what: f[4]}
		if f[2] != "-" {
			r.modules = strings.Split(f[2], ",")
		}
		out = append(out, r)
	}
	return out, nil
}

// Match looks a layer version ARN up (arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION;
// the region may be an unresolved ${AWS::Region}).
func Match(arn string) (Layer, bool) {
	parts := strings.Split(placeholder.ReplaceAllString(arn, "x"), ":")
	if len(parts) < 7 || parts[2] != "lambda" || parts[5] != "layer" {
		return Layer{}, false
	}
	account, name := parts[4], parts[6]
	for _, r := range load() {
		if r.account != account {
			continue
		}
		m := r.name.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		l := Layer{What: r.what, Complete: r.complete}
		for _, mod := range r.modules {
			if mod == "$1" && len(m) > 1 {
				l.Modules = append(l.Modules, pydist.ImportNames(m[1])...)
				continue
			}
			l.Modules = append(l.Modules, mod)
		}
		return l, true
	}
	return Layer{}, false
}

// A zip is a layer's content that its publisher makes public for download: a build step
// (a makefile target) fetches it and unzips it into the layer. Sources: the AWS SDK for
// pandas install page ("AWS Lambda Layer": the layer zips of each release, on GitHub
// releases and in the aws-data-wrangler-public-artifacts bucket, named
// awswrangler-layer-<version>-py3.<minor>[-arm64].zip, python/ at their root): the same
// content as its public layer (account 336392948345).
var zips = []struct {
	url          *regexp.Regexp
	account, arn string // the public layer with the same content
}{
	{regexp.MustCompile(`^https?://(?:aws-data-wrangler-public-artifacts\.s3[.a-z0-9-]*\.amazonaws\.com/releases/[^/]+|github\.com/aws/aws-(?:sdk-pandas|data-wrangler)/releases/download/[^/]+)/awswrangler-layer-[^/]+\.zip$`),
		"336392948345", "AWSSDKPandas-Python312"},
}

// Zip looks up a public layer zip by its download URL: what it holds, as the layer of
// the same content (under /opt/python).
func Zip(url string) (Layer, bool) {
	for _, z := range zips {
		if z.url.MatchString(url) {
			return Match("arn:aws:lambda:us-east-1:" + z.account + ":layer:" + z.arn + ":1")
		}
	}
	return Layer{}, false
}
