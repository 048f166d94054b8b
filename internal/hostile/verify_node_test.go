//go:build unix

package hostile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// nodeSpyTemplate is spyTemplate (safeexec_test.go) on Node.js: the same functions, one
// per containment case of verify (15.4, issue 17 item 7), the same containment.
var nodeSpyTemplate = strings.Replace(spyTemplate, "Runtime: python3.11", "Runtime: nodejs20.x", 1)

func verifyNode(t *testing.T) string {
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no node on PATH (CI is set)")
		}
		t.Skip("no node on PATH")
	}
	return p
}

// TestVerifyNodeContainment: code a Node.js handler runs at load cannot read layerkit's
// environment through its parent, cannot leave a process running (a detached child in
// its own session), cannot forge a verdict through a file or the pipe, and cannot
// write the checked folder; a timeout ends the load and what it started.
func TestVerifyNodeContainment(t *testing.T) {
	node := verifyNode(t)
	dir := t.TempDir()
	app := filepath.Join(dir, "app")
	state := filepath.Join(dir, "state")
	mkdir(t, state)
	writeFile(t, app, "template.yaml", []byte(nodeSpyTemplate))
	q := strconv.Quote
	writeFile(t, app, "src/spy.js", []byte(`const fs = require('fs');
const env = fs.readFileSync('/proc/' + process.ppid + '/environ', 'latin1');
console.log('PARENT_ENV_HAS_SECRET', env.includes('s3cr3t') ? 'True' : 'False', 'HAS_PATH', env.includes('PATH=') ? 'True' : 'False');
console.log('OWN_ENV_HAS_SECRET', fs.readFileSync('/proc/self/environ', 'latin1').includes('s3cr3t') ? 'True' : 'False');
console.log('OWN_ENV_HAS_LK', Object.keys(process.env).filter((k) => k.startsWith('LK_') || k.startsWith('LAYERKIT')).join(',') || 'none');
throw new Error('spy done');
`))
	writeFile(t, app, "src/daemon.js", []byte(`const { spawn } = require('child_process');
const c = spawn('sh', ['-c', 'echo $$ > '+`+q(q(filepath.Join(state, "daemon.pid")))+`+'; sleep 2; echo x > '+`+q(q(filepath.Join(state, "daemon-survived")))+`], { detached: true, stdio: 'ignore' });
c.unref();
exports.handler = async () => 1;
`))
	writeFile(t, app, "src/forger.js", []byte(`const fs = require('fs');
const fake = JSON.stringify({ ok: true }) + '\n';
for (const p of ['result.json', '../result.json', '../runtime/result.json']) { try { fs.writeFileSync(p, fake); } catch {} }
for (const fd of fs.readdirSync('/proc/self/fd')) {
  try {
    if (fs.readlinkSync('/proc/self/fd/' + fd).startsWith('pipe:') && Number(fd) > 2) { fs.writeSync(Number(fd), fake); console.log('WROTE_PIPE', fd); }
  } catch {}
}
throw new Error('forger fails');
`))
	writeFile(t, app, "src/writer.js", []byte(`const fs = require('fs'), path = require('path');
fs.writeFileSync('written-here', 'x');
fs.writeFileSync(path.join(process.env.LAMBDA_TASK_ROOT, 'written-root'), 'x');
fs.appendFileSync('spy.js', '// changed');
exports.handler = async () => 1;
`))
	before := snapshot(t, app)
	res := runBinarySecret(t, app, "verify", "--node", node, "--format", "json")
	if diff := compare(before, snapshot(t, app)); diff != "" {
		t.Errorf("the loaded code changed the checked folder: %s", diff)
	}
	out := res.stdout
	if !strings.Contains(out, "PARENT_ENV_HAS_SECRET False HAS_PATH True") || strings.Contains(out, "OWN_ENV_HAS_SECRET True") || !strings.Contains(out, "OWN_ENV_HAS_LK none") {
		t.Errorf("the code saw layerkit's environment (or did not run):\n%s", out)
	}
	checkSpyReport(t, out, state)

	// A load that never ends: the timeout ends it and the child it started.
	hang := filepath.Join(dir, "hang")
	pidFile := filepath.Join(dir, "child.pid")
	writeFile(t, hang, "template.yaml", []byte(strings.SplitN(nodeSpyTemplate, "  Spy:", 2)[0]+"  Hang:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: hang.handler}\n"))
	writeFile(t, hang, "src/hang.mjs", []byte(`import { spawn } from 'node:child_process';
import fs from 'node:fs';
const c = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
fs.writeFileSync(`+q(pidFile)+`, String(c.pid));
await new Promise(() => setInterval(() => {}, 1000));
export const handler = async () => 1;
`))
	res = runBinary(t, hang, "verify", "--node", node, "--timeout", "4s")
	if res.exit != 1 || !strings.Contains(res.stdout, "--timeout") {
		t.Errorf("exit %d, want 1 and the timeout named:\n%s", res.exit, res.stdout)
	}
	if b, err := os.ReadFile(pidFile); err != nil {
		t.Errorf("the child did not start: %v", err)
	} else if pid, _ := strconv.Atoi(string(b)); pid > 0 && syscall.Kill(pid, 0) == nil {
		t.Errorf("the load's child (pid %d, own session) outlived the timeout", pid)
		syscall.Kill(pid, syscall.SIGKILL)
	}
}
