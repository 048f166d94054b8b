package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// The HCL parsers (native syntax and JSON) recurse once per nesting level and have
// no limit: 100,000 nested brackets in a 200 KB file overflow the goroutine stack, a
// fatal error no recover() catches. Before any bytes reach them, checkDepth measures
// the nesting with the (iterative) lexer and refuses what goes deeper than a real
// configuration ever does.
const (
	// maxDepth caps brackets, template interpolations and directives nested in one
	// another (Terraform configurations rarely go past 10).
	maxDepth = 128
	// maxChain caps what the parser or evaluator nests without brackets inside one
	// element of a list, object or block: operators (a + b + ... is a left-deep tree),
	// conditionals (a ? b : c ? d : ...) and index chains (a[b][c]...).
	maxChain = 512
)

func depthError(name string, r hcl.Range, what string, limit int) error {
	return iac.Errorf(model.Pos{File: name, Line: r.Start.Line, Col: r.Start.Column},
		"%s nested more than %d deep; layerkit refuses it before parsing (no real configuration nests this far)", what, limit)
}

// checkDepth checks the nesting of a .tf / .tfvars (native syntax) file.
func checkDepth(name string, src []byte) error {
	toks, _ := hclsyntax.LexConfig(src, name, hcl.InitialPos)
	return checkTokens(name, toks, 0)
}

// checkTokens walks lexer tokens with a stack of open brackets; base is the nesting
// already around them (a JSON string's).
func checkTokens(name string, toks hclsyntax.Tokens, base int) error {
	type level struct {
		open  hclsyntax.TokenType
		chain int
	}
	stack := []level{{open: hclsyntax.TokenOBrace}}
	directives := 0
	for i, t := range toks {
		top := &stack[len(stack)-1]
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if t.Type == hclsyntax.TokenOBrack {
				top.chain++
			}
			if t.Type == hclsyntax.TokenTemplateControl && i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenIdent {
				switch string(toks[i+1].Bytes) {
				case "if", "for":
					directives++
				case "endif", "endfor":
					directives--
				}
			}
			stack = append(stack, level{open: t.Type})
			if len(stack)-1+max(directives, 0)+base > maxDepth {
				return depthError(name, t.Range, "brackets, strings or template directives", maxDepth)
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenComma:
			top.chain = 0
		case hclsyntax.TokenNewline:
			if top.open == hclsyntax.TokenOBrace {
				top.chain = 0
			}
		case hclsyntax.TokenQuestion, hclsyntax.TokenBang, hclsyntax.TokenMinus, hclsyntax.TokenPlus,
			hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPercent,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan,
			hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq,
			hclsyntax.TokenAnd, hclsyntax.TokenOr:
			top.chain++
			if top.chain > maxChain {
				return depthError(name, t.Range, "operators, conditionals or index brackets", maxChain)
			}
		}
		if top.chain > maxChain {
			return depthError(name, t.Range, "operators, conditionals or index brackets", maxChain)
		}
	}
	return nil
}

// checkJSONDepth checks the nesting of a .tf.json / .tfvars.json file: arrays and
// objects, plus the templates inside its strings (HCL parses "${...}" in JSON strings
// with the native template parser).
func checkJSONDepth(name string, src []byte) error {
	dec := json.NewDecoder(bytes.NewReader(src))
	depth := 0
	line := func() hcl.Range {
		off := int(dec.InputOffset())
		if off > len(src) {
			off = len(src)
		}
		return hcl.Range{Start: hcl.Pos{Line: 1 + bytes.Count(src[:off], []byte("\n")), Column: 1}}
	}
	for {
		// Token checks syntax too: stop quietly at a syntax error, which the HCL JSON
		// parser reports with its own position. A nesting too deep is refused before
		// the decoder's own stack grows (encoding/json keeps an explicit one).
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return nil
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '[' || t == '{' {
				depth++
				if depth > maxDepth {
					return depthError(name, line(), "arrays and objects", maxDepth)
				}
			} else {
				depth--
			}
		case string:
			if strings.Contains(t, "${") || strings.Contains(t, "%{") {
				r := line()
				toks, _ := hclsyntax.LexTemplate([]byte(t), name, r.Start)
				if err := checkTokens(name, toks, depth); err != nil {
					return err
				}
			}
		}
	}
}
