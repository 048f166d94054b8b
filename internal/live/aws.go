package live

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
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
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: pass --region, or set AWS_REGION or a region in the profile")
	}
	return ClientsFromConfig(cfg), nil
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
