package live

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// LambdaClient is what the loader calls on Lambda. *lambda.Client implements it.
type LambdaClient interface {
	GetFunction(ctx context.Context, in *lambda.GetFunctionInput, opts ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error)
	GetLayerVersionByArn(ctx context.Context, in *lambda.GetLayerVersionByArnInput, opts ...func(*lambda.Options)) (*lambda.GetLayerVersionByArnOutput, error)
	ListLayerVersions(ctx context.Context, in *lambda.ListLayerVersionsInput, opts ...func(*lambda.Options)) (*lambda.ListLayerVersionsOutput, error)
	ListFunctions(ctx context.Context, in *lambda.ListFunctionsInput, opts ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
}

// StackClient is what the loader calls on CloudFormation. *cloudformation.Client
// implements it.
type StackClient interface {
	ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
}

// Doer downloads the presigned URLs Lambda hands out. *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// AWSConfig says how to reach AWS; empty fields use the SDK's usual sources
// (AWS_REGION, AWS_PROFILE, ~/.aws/config, ~/.aws/credentials, SSO, IMDS, AWS_ENDPOINT_URL...).
type AWSConfig struct {
	Region  string
	Profile string
	// MaxAttempts per API call, retries included (throttling, 5xx, network); 0 means 10.
	MaxAttempts int
}

// Clients are the SDK clients doctor uses.
type Clients struct {
	Lambda LambdaClient
	Stacks StackClient
	HTTP   Doer
	Region string
}

// NewClients loads the AWS configuration the way the AWS CLI does and makes the
// clients. The retryer retries throttling (TooManyRequestsException and the other
// throttle codes), 5xx and network errors with capped exponential backoff and
// jitter, without the SDK's client-side retry quota (a large account throttles
// often, and every call must still succeed).
func NewClients(ctx context.Context, c AWSConfig) (*Clients, error) {
	attempts := c.MaxAttempts
	if attempts <= 0 {
		attempts = 10
	}
	var opts []func(*config.LoadOptions) error
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = 64 // --concurrency workers reuse their connections
	})))
	opts = append(opts, config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = 20 * time.Second
			o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
				return Backoff(attempt), nil
			})
			o.RateLimiter = ratelimit.None
		})
	}))
	// The SDK's own log lines ("SDK 2026/... WARN falling back to IMDSv1") are not
	// layerkit's messages; what matters reaches the user as an error.
	opts = append(opts, config.WithLogger(logging.Nop{}))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var missing config.SharedConfigProfileNotExistError
	switch {
	case errors.As(err, &missing):
		return nil, fmt.Errorf("no AWS profile %q in %s: set it up with aws configure --profile %s (or aws configure sso), or name another with --profile",
			missing.Profile, strings.Join(awsFiles(), " or "), missing.Profile)
	case err != nil:
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: pass --region, or set AWS_REGION or a region in the profile")
	}
	// Credentials are resolved once, up front: without any, every call would fail with
	// the whole chain of sources the SDK tried.
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &CredentialsError{Profile: profileName(c.Profile), Err: err}
	}
	return ClientsFromConfig(cfg), nil
}

// CredentialsError says that the SDK's sources of credentials gave none.
type CredentialsError struct {
	Profile string // the profile named (--profile, AWS_PROFILE); "" for the default chain
	Err     error
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// Error is one line: the sources tried, how to set one. The SDK's chain of errors
// (every source, IMDS's HTTP status) is left out.
func (e *CredentialsError) Error() string {
	files := strings.Join(awsFiles(), " and ")
	if e.Profile == "" {
		return fmt.Sprintf("no AWS credentials: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the default profile in %s (keys, SSO, credential_process, role), AWS_WEB_IDENTITY_TOKEN_FILE, the container role and the EC2 instance role; set one with aws configure, aws sso login, or --profile NAME (AWS_PROFILE)", files)
	}
	chain := strings.ToLower(e.Err.Error())
	why := fmt.Sprintf("it sets no keys, role, SSO or credential_process that gives them; add some with aws configure --profile %s", e.Profile)
	switch {
	case strings.Contains(chain, "sso"):
		why = fmt.Sprintf("its SSO session is not logged in or has expired; run aws sso login --profile %s", e.Profile)
	case strings.Contains(chain, "credential_process") || strings.Contains(chain, "process provider"):
		why = "its credential_process failed: " + innermost(e.Err)
	case strings.Contains(chain, "assumerole") || strings.Contains(chain, "assume role"):
		why = "the role it assumes could not be assumed: " + innermost(e.Err)
	}
	return fmt.Sprintf("no AWS credentials from profile %q (%s): %s", e.Profile, files, why)
}

// awsFiles are the shared configuration files the SDK reads.
func awsFiles() []string {
	cfg, creds := os.Getenv("AWS_CONFIG_FILE"), os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if cfg == "" {
		cfg = "~/.aws/config"
	}
	if creds == "" {
		creds = "~/.aws/credentials"
	}
	return []string{creds, cfg}
}

// profileName is the profile in use: --profile, else AWS_PROFILE; "" for the default.
func profileName(flag string) string {
	if flag != "" {
		return flag
	}
	if p := os.Getenv("AWS_PROFILE"); p != "default" {
		return p
	}
	return ""
}

// innermost is the message of err's last cause.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// ClientsFromConfig makes the clients from a ready aws.Config (tests build one by
// hand, so that no file or environment variable is read).
func ClientsFromConfig(cfg aws.Config) *Clients {
	return &Clients{
		Lambda: lambda.NewFromConfig(cfg),
		Stacks: cloudformation.NewFromConfig(cfg),
		HTTP:   downloadClient(),
		Region: cfg.Region,
	}
}

// downloadClient fetches presigned URLs: no redirects to follow in practice, a long
// overall timeout for 250 MB packages, and connections kept for the workers.
func downloadClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 15 * time.Minute}
}

// Backoff is the delay before retry number attempt (1-based): full jitter over an
// exponential ceiling of 100 ms · 2^attempt, capped at 20 s.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	ceil := 20 * time.Second
	if attempt < 8 {
		ceil = min(ceil, 100*time.Millisecond<<attempt)
	}
	return time.Duration(rand.Int64N(int64(ceil)) + 1)
}

// apiCode is the AWS error code of err ("ResourceNotFoundException"), or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func isNotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf) || apiCode(err) == "ResourceNotFoundException" || httpStatus(err) == 404
}

func isAccessDenied(err error) bool {
	switch apiCode(err) {
	case "AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException":
		return true
	}
	return httpStatus(err) == 403
}

// apiMessage is the message AWS sent with err, or err itself.
func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if m := ae.ErrorMessage(); m != "" {
			return ae.ErrorCode() + ": " + m
		}
		return ae.ErrorCode()
	}
	return err.Error()
}
