package live

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
// jitter, waiting at least as long as the service's Retry-After says, without the
// SDK's client-side retry quota (a large account throttles often, and every call
// must still succeed). The credentials are resolved once, up front: without any,
// the error says which sources were tried and how to set one (ErrNoCredentials).
func NewClients(ctx context.Context, c AWSConfig) (*Clients, error) {
	cfg, err := LoadConfig(ctx, c)
	if err != nil {
		return nil, err
	}
	return ClientsFromConfig(cfg), nil
}

// LoadConfig is NewClients' configuration: the SDK's usual sources, layerkit's
// retryer, no SDK log output (its warnings are not for doctor's users), and the
// credentials checked.
func LoadConfig(ctx context.Context, c AWSConfig) (aws.Config, error) {
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
	opts = append(opts, config.WithHTTPClient(APIClient()))
	opts = append(opts, config.WithRetryer(func() aws.Retryer { return Retryer(attempts) }))
	opts = append(opts, config.WithLogger(logging.Nop{}), config.WithClientLogMode(0))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var missing config.SharedConfigProfileNotExistError
	switch {
	case errors.As(err, &missing):
		return aws.Config{}, fmt.Errorf("no AWS profile %q in ~/.aws/config or ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE): set it up with aws configure --profile %s (or aws configure sso), or name another with --profile",
			missing.Profile, missing.Profile)
	case err != nil:
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: pass --region, or set AWS_REGION or a region in the profile")
	}
	if cfg.Credentials == nil {
		return aws.Config{}, ErrNoCredentials
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return aws.Config{}, ctx.Err()
		}
		return aws.Config{}, fmt.Errorf("%w (the last source tried said: %s)", ErrNoCredentials, firstLine(err))
	}
	return cfg, nil
}

// APIClient is the HTTP client of the API calls: connections kept for every
// --concurrency worker (the SDK's default keeps 10 per host, so 64 workers would
// open a new connection for most calls).
func APIClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = 64
	})
}

// ErrNoCredentials is what doctor says when no AWS credentials source gave
// credentials.
var ErrNoCredentials = errors.New("no AWS credentials: tried --profile/AWS_PROFILE, the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), ~/.aws/credentials and ~/.aws/config (SSO, credential_process), web identity (AWS_WEB_IDENTITY_TOKEN_FILE), the container and instance roles; set one, e.g. `aws configure`, `aws sso login --profile NAME` then --profile NAME, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")

// firstLine is the innermost, shortest useful part of an SDK error chain: the
// SDK's credential errors nest a dozen "failed to ..." layers on one line.
func firstLine(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i > 12 {
		msg = msg[i+2:]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

// Retryer is the SDK retryer doctor uses: attempts per call, Backoff between
// attempts (at least the service's Retry-After), no client-side retry quota.
func Retryer(attempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = attempts
		o.MaxBackoff = 20 * time.Second
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, err error) (time.Duration, error) {
			return RetryDelay(attempt, err), nil
		})
		o.RateLimiter = ratelimit.None
	})
}

// RetryDelay is the wait before retry number attempt after err: the service's
// Retry-After when it sent one (plus up to 10 % jitter, so that workers throttled
// together do not come back together), else Backoff.
func RetryDelay(attempt int, err error) time.Duration {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if d, ok := RetryAfter(re.Response.Header.Get("Retry-After"), time.Now()); ok {
			return d + time.Duration(rand.Int64N(int64(d)/10+1))
		}
	}
	return Backoff(attempt)
}

// RetryAfter reads a Retry-After header: seconds (an integer as HTTP says, or a
// decimal, as some services send) or an HTTP date. At most 60 s is honoured.
func RetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(h, 64); err == nil {
		if secs < 0 || secs != secs {
			return 0, false
		}
		d = time.Duration(min(secs, 60) * float64(time.Second))
	} else if t, err := http.ParseTime(h); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return 0, false
	}
	return min(d, time.Minute), true
}

// AssumeRole returns base's configuration with the credentials of roleARN, assumed
// through STS (session name layerkit-doctor, refreshed as they expire): how doctor
// reads the other accounts of an organisation (--role-arn).
func AssumeRole(base aws.Config, roleARN string) aws.Config {
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), roleARN,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "layerkit-doctor" }))
	return cfg
}

// RoleAccount is the account id in an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME),
// or "" when roleARN is not one.
func RoleAccount(roleARN string) string {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || len(parts[4]) != 12 || !strings.HasPrefix(parts[5], "role/") {
		return ""
	}
	for _, c := range parts[4] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return parts[4]
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
