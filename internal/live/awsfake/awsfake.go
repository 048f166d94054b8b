// Package awsfake is an in-process stand-in for the parts of AWS that layerkit doctor
// calls, speaking the real wire formats so that tests go through the real SDK:
// Lambda's REST-JSON (GetFunction, ListFunctions, GetLayerVersionByArn,
// GetLayerVersion, ListLayerVersions, errors with X-Amzn-ErrorType), CloudFormation's
// awsQuery (ListStackResources, XML errors), and the presigned download URLs, served
// from the same server. Point the SDK at it with AWS_ENDPOINT_URL=URL() or
// aws.Config.BaseEndpoint.
//
// Faults are injected per test: throttling (429 then success), access denied on a
// layer, a deleted layer version, a truncated or corrupted download; and, for fleet
// tests, a latency on every call and a share of calls throttled with Retry-After.
// Multi serves several accounts and regions from one endpoint (routing on the
// signature's region and access key) and STS AssumeRole for the other accounts.
package awsfake

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Presign is the query string appended to every download URL. Tests check it never
// shows in layerkit's output: it stands for the credentials of a real presigned URL.
const Presign = "X-Amz-Security-Token=FAKE-SESSION-TOKEN-DO-NOT-PRINT&X-Amz-Signature=fakesignature0123456789"

// Fake is the server and its state. Zero values are not usable: call New.
type Fake struct {
	Account  string // the caller's account, "123456789012"
	Region   string // "us-east-1"
	PageSize int    // items per page of every list operation (default 50)

	// Latency is added to every call and download, as a far-away service would.
	Latency time.Duration
	// ThrottleEvery, when N > 0, throttles every Nth call and download (of all
	// operations together: N = 10 throttles 10 %), each throttle sent with the
	// Retry-After header RetryAfter (default "1").
	ThrottleEvery int
	RetryAfter    string
	nth           int

	mu        sync.Mutex
	functions map[string]*function // by name
	layers    map[string]*layer    // by layer ARN (no version)
	stacks    map[string][]StackResource
	blobs     map[string][]byte        // by hex SHA-256
	throttle  map[string]int           // operation → 429s left to send
	denied    map[string]bool          // layer version ARN → AccessDeniedException
	truncate  map[string]int           // hex SHA-256 → truncated responses left to send (-1: always)
	corrupt   map[string]bool          // hex SHA-256 → serve other bytes
	hold      map[string]chan struct{} // hex SHA-256 → send half, then wait for it to close
	calls     map[string]int           // operation (or "blob:"+name) → count
	blobNames map[string]string        // hex SHA-256 → what it is, for counting

	srv *httptest.Server
	mux *http.ServeMux
}

type function struct {
	spec FunctionSpec
	arn  string
	blob string // hex SHA-256
	size int64
}

type layer struct {
	arn      string
	name     string
	account  string
	versions map[int64]*layerVersion
	next     int64
}

type layerVersion struct {
	arn      string
	version  int64
	blob     string
	size     int64
	runtimes []string
	archs    []string
	deleted  bool
}

// FunctionSpec describes a function to serve.
type FunctionSpec struct {
	Name    string
	Runtime string // "python3.12"
	Handler string // "app.handler"
	Arch    string // "x86_64" (default) or "arm64"
	Layers  []string
	Files   map[string]string // the code package
	Env     map[string]string
	Image   bool              // a container image function
	Tags    map[string]string // returned by GetFunction
	CodeZip []byte            // the code package as raw bytes (instead of Files)
}

// LayerSpec describes a layer version to publish.
type LayerSpec struct {
	Name     string
	Account  string // default: the fake's account
	Files    map[string]string
	Runtimes []string
	Archs    []string
}

// StackResource is one ListStackResources entry.
type StackResource struct {
	LogicalID, PhysicalID, Type string
}

// New starts a fake.
func New() *Fake {
	f := newFake("123456789012", "us-east-1")
	f.srv = httptest.NewServer(f.mux)
	return f
}

func newFake(account, region string) *Fake {
	f := &Fake{Account: account, Region: region, PageSize: 50,
		functions: map[string]*function{}, layers: map[string]*layer{}, stacks: map[string][]StackResource{},
		blobs: map[string][]byte{}, throttle: map[string]int{}, denied: map[string]bool{},
		truncate: map[string]int{}, corrupt: map[string]bool{}, hold: map[string]chan struct{}{}, calls: map[string]int{}, blobNames: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2015-03-31/functions", f.lambdaOp("ListFunctions", f.listFunctions))
	mux.HandleFunc("GET /2015-03-31/functions/{$}", f.lambdaOp("ListFunctions", f.listFunctions))
	mux.HandleFunc("GET /2015-03-31/functions/{name}", f.lambdaOp("GetFunction", f.getFunction))
	mux.HandleFunc("GET /2018-10-31/layers", f.layersRoot)
	mux.HandleFunc("GET /2018-10-31/layers/{name}/versions", f.lambdaOp("ListLayerVersions", f.listLayerVersions))
	mux.HandleFunc("GET /2018-10-31/layers/{name}/versions/{version}", f.lambdaOp("GetLayerVersion", f.getLayerVersion))
	mux.HandleFunc("POST /{$}", f.cloudFormation)
	mux.HandleFunc("GET /blob/{sum}", f.blob)
	f.mux = mux
	return f
}

// URL is the endpoint to give the SDK (AWS_ENDPOINT_URL).
func (f *Fake) URL() string { return f.srv.URL }

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// Zip returns a zip archive of files (names in sorted order).
func Zip(files map[string]string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fw, _ := w.Create(n)
		fw.Write([]byte(files[n]))
	}
	w.Close()
	return buf.Bytes()
}

func (f *Fake) putBlob(data []byte, what string) (string, int64) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	f.blobs[h] = data
	if _, ok := f.blobNames[h]; !ok {
		f.blobNames[h] = what
	}
	return h, int64(len(data))
}

// AddLayer publishes the next version of a layer and returns its version ARN.
func (f *Fake) AddLayer(s LayerSpec) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	acct := s.Account
	if acct == "" {
		acct = f.Account
	}
	larn := fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s", f.Region, acct, s.Name)
	l, ok := f.layers[larn]
	if !ok {
		l = &layer{arn: larn, name: s.Name, account: acct, versions: map[int64]*layerVersion{}}
		f.layers[larn] = l
	}
	l.next++
	v := &layerVersion{arn: fmt.Sprintf("%s:%d", larn, l.next), version: l.next, runtimes: s.Runtimes, archs: s.Archs}
	v.blob, v.size = f.putBlob(Zip(s.Files), "layer:"+s.Name)
	l.versions[l.next] = v
	return v.arn
}

// DeleteLayerVersion deletes a layer version: functions keep using it, but it can no
// longer be read or listed.
func (f *Fake) DeleteLayerVersion(arn string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v := f.findVersion(arn); v != nil {
		v.deleted = true
	}
}

// Deny makes GetLayerVersionByArn on arn fail with AccessDeniedException.
func (f *Fake) Deny(arn string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.denied[arn] = true
}

// Throttle makes the next n calls of operation ("GetFunction", "ListFunctions",
// "GetLayerVersionByArn", "ListLayerVersions", "ListStackResources", "Download")
// fail with 429 TooManyRequestsException (Throttling for CloudFormation).
func (f *Fake) Throttle(operation string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle[operation] = n
}

// Truncate makes the next n downloads of the package of function or layer version
// ARN stop half way (n < 0: every download).
func (f *Fake) Truncate(name string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.truncate[f.blobOf(name)] = n
}

// Hold makes the downloads of the package of function (or layer version ARN) send half
// of it and wait until release is called before sending the rest: a download in flight.
func (f *Fake) Hold(name string) (release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan struct{})
	f.hold[f.blobOf(name)] = ch
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// Corrupt makes the package of function (or layer version ARN) download with other
// bytes than its CodeSha256 says.
func (f *Fake) Corrupt(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.corrupt[f.blobOf(name)] = true
}

func (f *Fake) blobOf(name string) string {
	if fn, ok := f.functions[name]; ok {
		return fn.blob
	}
	if v := f.findVersion(name); v != nil {
		return v.blob
	}
	panic("awsfake: no function or layer version " + name)
}

// AddFunction creates a function and returns its ARN.
func (f *Fake) AddFunction(s FunctionSpec) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn := &function{spec: s, arn: fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", f.Region, f.Account, s.Name)}
	if !s.Image {
		data := s.CodeZip
		if data == nil {
			data = Zip(s.Files)
		}
		fn.blob, fn.size = f.putBlob(data, "function:"+s.Name)
	}
	f.functions[s.Name] = fn
	return fn.arn
}

// AddStack defines a stack's resources.
func (f *Fake) AddStack(name string, resources []StackResource) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stacks[name] = resources
}

// Calls returns how many times operation was called ("GetFunction", ...), throttled
// calls included. Downloads count as "Download", and per package as
// "Download:function:NAME" and "Download:layer:NAME"; "*" is every call and
// download, "throttled" those ThrottleEvery throttled.
func (f *Fake) Calls(operation string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[operation]
}

func (f *Fake) findVersion(arn string) *layerVersion {
	i := strings.LastIndexByte(arn, ':')
	if i < 0 {
		return nil
	}
	l, ok := f.layers[arn[:i]]
	if !ok {
		return nil
	}
	n, _ := strconv.ParseInt(arn[i+1:], 10, 64)
	return l.versions[n]
}

// count records a call and reports whether it must be throttled.
func (f *Fake) count(op string) bool {
	f.calls[op]++
	f.calls["*"]++
	if f.throttle[op] > 0 {
		f.throttle[op]--
		return true
	}
	if f.ThrottleEvery > 0 {
		f.nth++
		if f.nth%f.ThrottleEvery == 0 {
			f.calls["throttled"]++
			return true
		}
	}
	return false
}

// wait is the fake's latency, spent outside its lock like a network round trip.
func (f *Fake) wait() {
	f.mu.Lock()
	d := f.Latency
	f.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
}

func (f *Fake) retryAfter(w http.ResponseWriter) {
	if f.ThrottleEvery > 0 || f.RetryAfter != "" {
		v := f.RetryAfter
		if v == "" {
			v = "1"
		}
		w.Header().Set("Retry-After", v)
	}
}

// lambdaOp serves the Lambda operation op with h: an unsigned request is refused, a
// signed one is counted (and throttled when Throttle asked), and h runs with f.mu held.
func (f *Fake) lambdaOp(op string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !signed(w, r) {
			return
		}
		f.wait()
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.count(op) {
			f.retryAfter(w)
			throttled(w)
			return
		}
		h(w, r)
	}
}

// lambdaError writes a REST-JSON error the way Lambda does.
func lambdaError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Type": "User", "Message": msg})
}

func throttled(w http.ResponseWriter) {
	w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	json.NewEncoder(w).Encode(map[string]string{"__type": "TooManyRequestsException", "Type": "User",
		"Reason": "CallerRateLimitExceeded", "message": "Rate exceeded"})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// signed rejects requests the SDK did not sign (no SigV4 Authorization header).
func signed(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		lambdaError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return false
	}
	return true
}

func (f *Fake) location(r *http.Request, sum string) string {
	return "http://" + r.Host + "/blob/" + sum + "?" + Presign
}

func (f *Fake) config(fn *function) map[string]any {
	s := fn.spec
	arch := s.Arch
	if arch == "" {
		arch = "x86_64"
	}
	c := map[string]any{"FunctionName": s.Name, "FunctionArn": fn.arn, "Architectures": []string{arch},
		"MemorySize": 128, "Timeout": 3, "Version": "$LATEST", "Role": "arn:aws:iam::" + f.Account + ":role/fn",
		"LastModified": "2026-11-01T10:00:00.000+0000", "State": "Active"}
	if s.Image {
		c["PackageType"] = "Image"
		c["CodeSize"] = 0
	} else {
		raw, _ := hex.DecodeString(fn.blob)
		c["PackageType"] = "Zip"
		c["Runtime"] = s.Runtime
		c["Handler"] = s.Handler
		c["CodeSize"] = fn.size
		c["CodeSha256"] = base64.StdEncoding.EncodeToString(raw)
	}
	if len(s.Env) > 0 {
		c["Environment"] = map[string]any{"Variables": s.Env}
	}
	var layers []map[string]any
	for _, a := range s.Layers {
		var size int64
		if v := f.findVersion(a); v != nil {
			size = v.size
		}
		layers = append(layers, map[string]any{"Arn": a, "CodeSize": size})
	}
	if layers != nil {
		c["Layers"] = layers
	}
	return c
}

// page cuts items at the marker (an index) and returns the next marker.
func (f *Fake) page(n int, r *http.Request, markerParam, maxParam string) (start, end int, next string) {
	start, _ = strconv.Atoi(r.URL.Query().Get(markerParam))
	size := f.PageSize
	if m, err := strconv.Atoi(r.URL.Query().Get(maxParam)); err == nil && m > 0 && m < size {
		size = m
	}
	start = min(max(start, 0), n)
	end = min(start+size, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next
}

func (f *Fake) listFunctions(w http.ResponseWriter, r *http.Request) {
	names := make([]string, 0, len(f.functions))
	for n := range f.functions {
		names = append(names, n)
	}
	sort.Strings(names)
	start, end, next := f.page(len(names), r, "Marker", "MaxItems")
	out := map[string]any{"Functions": []any{}}
	var list []any
	for _, n := range names[start:end] {
		list = append(list, f.config(f.functions[n]))
	}
	if list != nil {
		out["Functions"] = list
	}
	if next != "" {
		out["NextMarker"] = next
	}
	writeJSON(w, out)
}

func (f *Fake) getFunction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if i := strings.Index(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	fn, ok := f.functions[name]
	if !ok {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException",
			fmt.Sprintf("Function not found: arn:aws:lambda:%s:%s:function:%s", f.Region, f.Account, name))
		return
	}
	out := map[string]any{"Configuration": f.config(fn)}
	if fn.spec.Image {
		out["Code"] = map[string]any{"RepositoryType": "ECR", "ImageUri": f.Account + ".dkr.ecr." + f.Region + ".amazonaws.com/" + name + ":latest"}
	} else {
		out["Code"] = map[string]any{"RepositoryType": "S3", "Location": f.location(r, fn.blob)}
	}
	if len(fn.spec.Tags) > 0 {
		out["Tags"] = fn.spec.Tags
	}
	writeJSON(w, out)
}

func (f *Fake) versionJSON(r *http.Request, l *layer, v *layerVersion) map[string]any {
	raw, _ := hex.DecodeString(v.blob)
	out := map[string]any{"LayerArn": l.arn, "LayerVersionArn": v.arn, "Version": v.version,
		"CreatedDate": "2026-11-01T10:00:00.000+0000",
		"Content":     map[string]any{"Location": f.location(r, v.blob), "CodeSha256": base64.StdEncoding.EncodeToString(raw), "CodeSize": v.size}}
	if v.runtimes != nil {
		out["CompatibleRuntimes"] = v.runtimes
	}
	if v.archs != nil {
		out["CompatibleArchitectures"] = v.archs
	}
	return out
}

// layersRoot is ListLayers, or GetLayerVersionByArn when ?find=LayerVersion (the
// same path: Lambda routes on the query).
func (f *Fake) layersRoot(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("find") != "LayerVersion" {
		if signed(w, r) {
			lambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", "ListLayers is not implemented by awsfake")
		}
		return
	}
	f.lambdaOp("GetLayerVersionByArn", func(w http.ResponseWriter, r *http.Request) {
		f.serveVersion(w, r, r.URL.Query().Get("Arn"))
	})(w, r)
}

func (f *Fake) serveVersion(w http.ResponseWriter, r *http.Request, arn string) {
	if f.denied[arn] {
		lambdaError(w, http.StatusForbidden, "AccessDeniedException",
			fmt.Sprintf("User: arn:aws:iam::%s:user/doctor is not authorized to perform: lambda:GetLayerVersion on resource: %s because no resource-based policy allows the lambda:GetLayerVersion action", f.Account, arn))
		return
	}
	v := f.findVersion(arn)
	if v == nil || v.deleted {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException", "The resource you requested does not exist.")
		return
	}
	i := strings.LastIndexByte(arn, ':')
	writeJSON(w, f.versionJSON(r, f.layers[arn[:i]], v))
}

func (f *Fake) getLayerVersion(w http.ResponseWriter, r *http.Request) {
	l := f.layerByName(r.PathValue("name"))
	if l == nil {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException", "The resource you requested does not exist.")
		return
	}
	f.serveVersion(w, r, l.arn+":"+r.PathValue("version"))
}

func (f *Fake) layerByName(name string) *layer {
	if l, ok := f.layers[name]; ok {
		return l
	}
	return f.layers[fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s", f.Region, f.Account, name)]
}

func (f *Fake) listLayerVersions(w http.ResponseWriter, r *http.Request) {
	l := f.layerByName(r.PathValue("name"))
	if l == nil {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException", "The resource you requested does not exist.")
		return
	}
	if l.account != f.Account { // cross-account grants usually cover GetLayerVersion only
		lambdaError(w, http.StatusForbidden, "AccessDeniedException",
			fmt.Sprintf("User: arn:aws:iam::%s:user/doctor is not authorized to perform: lambda:ListLayerVersions on resource: %s", f.Account, l.arn))
		return
	}
	var vs []*layerVersion
	for _, v := range l.versions {
		if !v.deleted {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].version > vs[j].version }) // newest first, as Lambda
	start, end, next := f.page(len(vs), r, "Marker", "MaxItems")
	list := []any{}
	for _, v := range vs[start:end] {
		item := map[string]any{"LayerVersionArn": v.arn, "Version": v.version, "CreatedDate": "2026-11-01T10:00:00.000+0000"}
		if v.runtimes != nil {
			item["CompatibleRuntimes"] = v.runtimes
		}
		list = append(list, item)
	}
	out := map[string]any{"LayerVersions": list}
	if next != "" {
		out["NextMarker"] = next
	}
	writeJSON(w, out)
}

func (f *Fake) blob(w http.ResponseWriter, r *http.Request) {
	f.wait()
	f.mu.Lock()
	sum := r.PathValue("sum")
	data, ok := f.blobs[sum]
	f.calls["Download:"+f.blobNames[sum]]++
	throttle := f.count("Download")
	if throttle {
		f.retryAfter(w)
	}
	trunc := f.truncate[sum] != 0
	if f.truncate[sum] > 0 {
		f.truncate[sum]--
	}
	corrupt := f.corrupt[sum]
	hold := f.hold[sum]
	f.mu.Unlock()
	switch {
	case r.URL.RawQuery != Presign:
		http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
		return
	case !ok:
		http.Error(w, "<Error><Code>NoSuchKey</Code></Error>", http.StatusNotFound)
		return
	case throttle:
		http.Error(w, "<Error><Code>SlowDown</Code></Error>", http.StatusServiceUnavailable)
		return
	}
	if corrupt {
		data = append(bytes.Clone(data[:len(data)-1]), data[len(data)-1]^0xff)
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if hold != nil {
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
		w.Write(data[len(data)/2:])
		return
	}
	if trunc {
		w.Write(data[:len(data)/2])
		// Returning with fewer bytes than Content-Length makes the server close the
		// connection: the client sees an unexpected EOF.
		return
	}
	w.Write(data)
}

// CloudFormation (awsQuery): form-encoded POST, XML responses.

type xmlSummary struct {
	LogicalResourceID    string `xml:"LogicalResourceId"`
	PhysicalResourceID   string `xml:"PhysicalResourceId,omitempty"`
	ResourceType         string `xml:"ResourceType"`
	ResourceStatus       string `xml:"ResourceStatus"`
	LastUpdatedTimestamp string `xml:"LastUpdatedTimestamp"`
}

type xmlListStackResources struct {
	XMLName xml.Name `xml:"ListStackResourcesResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Members   []xmlSummary `xml:"StackResourceSummaries>member"`
		NextToken string       `xml:"NextToken,omitempty"`
	} `xml:"ListStackResourcesResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

func cfnError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>`,
		code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (f *Fake) cloudFormation(w http.ResponseWriter, r *http.Request) {
	if !signed(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		cfnError(w, http.StatusBadRequest, "MalformedInput", err.Error())
		return
	}
	if r.PostForm.Get("Action") != "ListStackResources" {
		cfnError(w, http.StatusBadRequest, "InvalidAction", "awsfake implements ListStackResources only")
		return
	}
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.count("ListStackResources") {
		f.retryAfter(w)
		cfnError(w, http.StatusBadRequest, "Throttling", "Rate exceeded")
		return
	}
	name := r.PostForm.Get("StackName")
	res, ok := f.stacks[name]
	if !ok {
		cfnError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Stack with id %s does not exist", name))
		return
	}
	start, _ := strconv.Atoi(r.PostForm.Get("NextToken"))
	start = min(max(start, 0), len(res))
	end := min(start+f.PageSize, len(res))
	var out xmlListStackResources
	out.Xmlns = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
	out.RequestID = "fake-request"
	for _, sr := range res[start:end] {
		out.Result.Members = append(out.Result.Members, xmlSummary{LogicalResourceID: sr.LogicalID, PhysicalResourceID: sr.PhysicalID,
			ResourceType: sr.Type, ResourceStatus: "CREATE_COMPLETE", LastUpdatedTimestamp: "2026-11-01T10:00:00.000Z"})
	}
	if end < len(res) {
		out.Result.NextToken = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "text/xml")
	xml.NewEncoder(w).Encode(out)
}
