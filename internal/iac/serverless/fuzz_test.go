package serverless

import "testing"

// FuzzLoad: any serverless.yml bytes load or fail with an error, never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("service: s\nprovider:\n  runtime: ${self:custom.r}\n  layers:\n    - {Ref: ALambdaLayer}\ncustom:\n  r: ${self:custom.r}\nlayers:\n  a:\n    path: .\nfunctions:\n  f:\n    handler: h.main\n    layers:\n      - !Ref ALambdaLayer\n      - ${opt:x, 'arn:aws:lambda:us-east-1:123456789012:layer:x:1'}\n"))
	f.Add([]byte("a: &a {b: *a}\n"))
	f.Add([]byte("functions: ${self:}\nprovider: {layers: ${self:provider.layers}}\n<<: {x: 1}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := load(dir, dir, "serverless.yml", data)
		if err == nil && app == nil {
			t.Fatal("nil app without error")
		}
	})
}
