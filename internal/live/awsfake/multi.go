package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Multi serves several accounts and regions from one endpoint, the way an
// organisation looks to `doctor --regions r1,r2 --role-arn ...`: each call goes to
// the Fake of the account its access key stands for and the region in its
// signature's scope; STS AssumeRole turns the base credentials into an allowed
// role's account. Downloads go to whichever Fake holds the blob.
type Multi struct {
	Base string // the base credentials' account (default "123456789012")

	mu    sync.Mutex
	fakes map[string]*Fake  // "account/region"
	roles map[string]string // role ARN → account
	calls map[string]int
	srv   *httptest.Server
}

// NewMulti starts an empty organisation.
func NewMulti() *Multi {
	m := &Multi{Base: "123456789012", fakes: map[string]*Fake{}, roles: map[string]string{}, calls: map[string]int{}}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	return m
}

// URL is the endpoint to give the SDK.
func (m *Multi) URL() string { return m.srv.URL }

// Close stops the server.
func (m *Multi) Close() { m.srv.Close() }

// Fake returns the account's fake in region, made on first use.
func (m *Multi) Fake(account, region string) *Fake {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := account + "/" + region
	f, ok := m.fakes[k]
	if !ok {
		f = newFake(account, region)
		m.fakes[k] = f
	}
	return f
}

// AllowRole lets the base credentials assume roleARN (arn:aws:iam::ACCOUNT:role/NAME).
func (m *Multi) AllowRole(roleARN string) {
	parts := strings.Split(roleARN, ":")
	if len(parts) < 6 {
		panic("awsfake: not a role ARN: " + roleARN)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.roles[roleARN] = parts[4]
}

// Calls is how many times operation was called on every fake ("AssumeRole" on
// Multi itself).
func (m *Multi) Calls(operation string) int {
	m.mu.Lock()
	n := m.calls[operation]
	fakes := make([]*Fake, 0, len(m.fakes))
	for _, f := range m.fakes {
		fakes = append(fakes, f)
	}
	m.mu.Unlock()
	for _, f := range fakes {
		n += f.Calls(operation)
	}
	return n
}

// scope reads the access key and region of a SigV4 Authorization header:
// "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ...".
func scope(r *http.Request) (key, region, service string, ok bool) {
	h := r.Header.Get("Authorization")
	i := strings.Index(h, "Credential=")
	if !strings.HasPrefix(h, "AWS4-HMAC-SHA256 ") || i < 0 {
		return "", "", "", false
	}
	cred := h[i+len("Credential="):]
	if j := strings.IndexByte(cred, ','); j >= 0 {
		cred = cred[:j]
	}
	p := strings.Split(cred, "/")
	if len(p) != 5 {
		return "", "", "", false
	}
	return p[0], p[2], p[3], true
}

func (m *Multi) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/blob/") {
		sum := strings.TrimPrefix(r.URL.Path, "/blob/")
		m.mu.Lock()
		var owner *Fake
		keys := make([]string, 0, len(m.fakes))
		for k := range m.fakes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f := m.fakes[k]
			f.mu.Lock()
			_, ok := f.blobs[sum]
			f.mu.Unlock()
			if ok {
				owner = f
				break
			}
		}
		m.mu.Unlock()
		if owner == nil {
			http.Error(w, "<Error><Code>NoSuchKey</Code></Error>", http.StatusNotFound)
			return
		}
		owner.mux.ServeHTTP(w, r)
		return
	}
	key, region, service, ok := scope(r)
	if !ok {
		lambdaError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	// Credentials from AssumeRole have the key "ASIA" + the role's account; any
	// other key is the base credentials, acting in the Base account.
	account := m.Base
	if a, ok := strings.CutPrefix(key, "ASIA"); ok {
		account = a
	}
	if service == "sts" {
		m.assumeRole(w, r, account)
		return
	}
	m.mu.Lock()
	f, ok := m.fakes[account+"/"+region]
	m.mu.Unlock()
	if !ok {
		f = m.Fake(account, region) // an empty region of that account
	}
	f.mux.ServeHTTP(w, r)
}

type xmlAssumeRole struct {
	XMLName xml.Name `xml:"AssumeRoleResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
			Expiration      string `xml:"Expiration"`
		} `xml:"Credentials"`
		User struct {
			ID  string `xml:"AssumedRoleId"`
			ARN string `xml:"Arn"`
		} `xml:"AssumedRoleUser"`
	} `xml:"AssumeRoleResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

func (m *Multi) assumeRole(w http.ResponseWriter, r *http.Request, caller string) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("Action") != "AssumeRole" {
		cfnError(w, http.StatusBadRequest, "InvalidAction", "awsfake implements sts:AssumeRole only")
		return
	}
	role := r.PostForm.Get("RoleArn")
	m.mu.Lock()
	m.calls["AssumeRole"]++
	account, ok := m.roles[role]
	m.mu.Unlock()
	if !ok {
		cfnError(w, http.StatusForbidden, "AccessDenied",
			fmt.Sprintf("User: arn:aws:iam::%s:user/doctor is not authorized to perform: sts:AssumeRole on resource: %s", caller, role))
		return
	}
	var out xmlAssumeRole
	out.Xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"
	out.RequestID = "fake-request"
	c := &out.Result.Credentials
	c.AccessKeyID, c.SecretAccessKey, c.SessionToken = "ASIA"+account, "SECRETFAKE", "FAKE-SESSION-TOKEN-DO-NOT-PRINT"
	c.Expiration = time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	out.Result.User.ID = "AROAFAKE:" + r.PostForm.Get("RoleSessionName")
	name := role[strings.LastIndexByte(role, '/')+1:]
	out.Result.User.ARN = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", account, name, r.PostForm.Get("RoleSessionName"))
	w.Header().Set("Content-Type", "text/xml")
	xml.NewEncoder(w).Encode(out)
}
