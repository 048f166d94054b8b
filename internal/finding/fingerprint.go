package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
)

// Fingerprint identifies a finding across edits that move it: its code, function,
// layer, file and message, with what moves when unrelated lines or bytes change taken
// out of the message (line numbers, "file:line" references, sizes). The module or
// property a finding is about is named in its message, so it stays in. A baseline
// (--baseline) records findings by it; it is also fit for SARIF's
// partialFingerprints. 32 hex digits.
func Fingerprint(f Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Code.String(), f.Function, f.Layer, f.Pos.File, Stable(f.Message)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

var moving = regexp.MustCompile(`(?:\b[Ll]ines? \d+(?:[-–]\d+)?)|(?::\d+(?::\d+)?\b)|(?:\b\d[\d.,]*\s*(?:[KMG]iB|[KMG]B|bytes|B)\b)`)

// Stable is msg without the parts that move when unrelated lines or bytes change:
// line numbers ("line 12", "app.py:12:4") and sizes ("250.3 MiB").
func Stable(msg string) string {
	return moving.ReplaceAllStringFunc(msg, func(m string) string {
		switch {
		case m[0] == ':':
			return ":N"
		case m[0] == 'l' || m[0] == 'L':
			return "line N"
		}
		return "SIZE"
	})
}
