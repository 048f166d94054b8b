package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// s3object is an aws_s3_object (or the older aws_s3_bucket_object) that uploads a
// package: its bucket and key when they are known, and what its source holds.
type s3object struct {
	addr        string
	bucket, key string // "" when not known
	code        *model.Code
	problem     string // why code is nil
}

func (l *loader) readS3Object(r *resInst) *s3object {
	o := &s3object{addr: r.addr()}
	if r.unknown != "" {
		o.problem = o.addr + ": " + r.unknown
		return o
	}
	c := content(r.block, []string{"bucket", "key", "source", "content", "content_base64"})
	a := c.Attributes
	o.bucket, _ = str(l.eval(attrExpr(a["bucket"])))
	o.key, _ = str(l.eval(attrExpr(a["key"])))
	switch {
	case a["source"] != nil:
		var why string
		o.code, why = l.codeFromFilename(a["source"])
		if o.code == nil {
			o.problem = o.addr + ": " + why
		}
	case a["content"] != nil || a["content_base64"] != nil:
		o.problem = o.addr + " uploads inline content, not a package layerkit can read"
	default:
		o.problem = o.addr + " has no source"
	}
	return o
}

// codeFromS3 models the package that s3_bucket/s3_key name: the source of the
// aws_s3_object they reference, or of the one whose (known) bucket and key they equal.
// Code is nil when there is none; why says so.
func (l *loader) codeFromS3(bucket, key, hash *hcl.Attribute) (*model.Code, string) {
	for _, at := range []*hcl.Attribute{key, bucket} {
		if at == nil {
			continue
		}
		s, ok := str(l.eval(at.Expr))
		if !ok {
			continue
		}
		if k, addr, _, ok := parseMarker(s); ok && k == "modpkg" {
			return l.lambdaPackage(addr)
		}
		if k, addr, _, ok := parseMarker(s); ok && k == "s3" {
			if o := l.s3objs[addr]; o != nil {
				if o.code == nil {
					return nil, o.problem
				}
				return o.code, ""
			}
		}
	}
	b, bok := str(l.eval(attrExpr(bucket)))
	k, kok := str(l.eval(attrExpr(key)))
	if kok && !strings.Contains(k, markerPrefix) {
		var found *s3object
		n := 0
		for _, o := range l.s3objs {
			if o.key == k && (!bok || o.bucket == "" || o.bucket == b) {
				found = o
				n++
			}
		}
		if n == 1 {
			if found.code == nil {
				return nil, found.problem
			}
			return found.code, ""
		}
	}
	if code, why, ok := l.codeFromHash(hash, bucket, key); ok {
		return code, why
	}
	return nil, fmt.Sprintf("the S3 object %s, which is not read", l.s3Text(bucket, key))
}

// codeFromHash models an S3 package uploaded outside Terraform (aws s3 cp in a build
// script) from its source_code_hash: filebase64sha256("dist/app.zip") (or filesha256,
// filemd5, base64sha256(filebase64(...))) names the local zip Terraform compares with
// what is deployed, so that zip is the package (field test: zhaoyi0113/streaming-data-lake,
// bin/build_lambdas.sh zips src/ into dist/ and copies it to the bucket). ok is false when
// the hash names no local zip.
func (l *loader) codeFromHash(hash, bucket, key *hcl.Attribute) (code *model.Code, why string, ok bool) {
	if hash == nil {
		return nil, "", false
	}
	e := hash.Expr
	if w, ok := e.(*hclsyntax.TemplateWrapExpr); ok { // "${filebase64sha256(...)}"
		e = w.Wrapped
	}
	call, isCall := e.(*hclsyntax.FunctionCallExpr)
	for isCall && len(call.Args) == 1 && (call.Name == "base64sha256" || call.Name == "sha256" || call.Name == "md5") {
		call, isCall = call.Args[0].(*hclsyntax.FunctionCallExpr)
	}
	if !isCall || len(call.Args) != 1 {
		return nil, "", false
	}
	switch call.Name {
	case "filebase64sha256", "filesha256", "filemd5", "filebase64sha512", "filesha512", "filesha1", "filebase64":
	default:
		return nil, "", false
	}
	p, known := str(l.eval(call.Args[0]))
	if !known || !strings.HasSuffix(strings.ToLower(p), ".zip") || strings.Contains(p, markerPrefix) {
		return nil, "", false
	}
	attr := &hcl.Attribute{Name: "source_code_hash", Expr: call.Args[0], Range: hash.Range}
	code, why = l.codeFromFilename(attr)
	if code == nil {
		return nil, fmt.Sprintf("the S3 object %s, uploaded outside Terraform; its source_code_hash names %s, and %s", l.s3Text(bucket, key), iac.Rel(l.root, l.abs(p)), why), true
	}
	c := *code
	c.Display = fmt.Sprintf("%s (uploaded to %s; the zip its source_code_hash reads)", code.Display, l.s3Text(bucket, key))
	return &c, "", true
}

// s3Text names an S3 object readably: s3://bucket/key, with what is not known shown
// as the reference it comes from (s3://<aws_s3_bucket.b.id>/lambda/app.zip).
func (l *loader) s3Text(bucket, key *hcl.Attribute) string {
	return "s3://" + l.readable(bucket) + "/" + l.readable(key)
}

// readable prints an attribute's value for a message: its value when known, else the
// expression with the known parts of a template filled in and the unknown ones named
// <like.this>. Never a raw ${...}.
func (l *loader) readable(a *hcl.Attribute) string {
	if a == nil {
		return "?"
	}
	return l.readableExpr(a.Expr)
}

func (l *loader) readableExpr(e hcl.Expression) string {
	if s, ok := str(l.eval(e)); ok {
		return unmark(s)
	}
	switch x := unwrapBudget(l.prepare(e)).(type) {
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, part := range x.Parts {
			p := unwrapBudget(part)
			if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok {
				if s, ok := str(lit.Val); ok {
					b.WriteString(s)
					continue
				}
			}
			if s, ok := str(l.eval(p)); ok {
				b.WriteString(unmark(s))
				continue
			}
			b.WriteString("<" + l.text(p.Range()) + ">")
		}
		return b.String()
	case *hclsyntax.TemplateWrapExpr:
		return "<" + l.text(unwrapBudget(x.Wrapped).Range()) + ">"
	}
	return "<" + l.text(e.Range()) + ">"
}

func unwrapBudget(e hcl.Expression) hcl.Expression {
	for {
		f, ok := e.(*hclsyntax.FunctionCallExpr)
		if !ok || !isBudget(f) || len(f.Args) != 1 {
			return e
		}
		e = f.Args[0]
	}
}

// unmark replaces the markers in s by the references they stand for
// (aws_s3_object.layer.key).
func unmark(s string) string {
	for strings.Contains(s, markerPrefix) {
		i := strings.Index(s, markerPrefix)
		rest := s[i+len(markerPrefix):]
		parts := strings.SplitN(rest, "\x00", 3)
		if len(parts) < 3 {
			return s[:i] + "<?>"
		}
		attr := parts[2]
		end := len(attr)
		for j, r := range attr {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				end = j
				break
			}
		}
		s = s[:i] + parts[1] + "." + attr[:end] + attr[end:]
	}
	return s
}
