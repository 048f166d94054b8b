package finding

import (
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

func TestFingerprint(t *testing.T) {
	a := Finding{Code: rulecode.LK101, Function: "Fn", Pos: model.Pos{File: "src/app.py", Line: 3},
		Message: "Fn imports 'boto3x' at src/app.py:3 (line 3), package 12.5 MiB"}
	moved := a
	moved.Pos.Line = 40
	moved.Message = "Fn imports 'boto3x' at src/app.py:40 (line 40), package 13 MiB"
	if Fingerprint(a) != Fingerprint(moved) {
		t.Errorf("a finding that moved has another fingerprint:\n%s\n%s", Stable(a.Message), Stable(moved.Message))
	}
	for _, other := range []Finding{
		{Code: rulecode.LK101, Function: "Fn", Pos: a.Pos, Message: "Fn imports 'boto4x' at src/app.py:3 (line 3), package 12.5 MiB"},
		{Code: rulecode.LK104, Function: "Fn", Pos: a.Pos, Message: a.Message},
		{Code: rulecode.LK101, Function: "Other", Pos: a.Pos, Message: a.Message},
		{Code: rulecode.LK101, Function: "Fn", Pos: model.Pos{File: "src/b.py", Line: 3}, Message: a.Message},
	} {
		if Fingerprint(other) == Fingerprint(a) {
			t.Errorf("%+v has the fingerprint of %+v", other, a)
		}
	}
	if len(Fingerprint(a)) != 32 {
		t.Errorf("fingerprint %q", Fingerprint(a))
	}
}
