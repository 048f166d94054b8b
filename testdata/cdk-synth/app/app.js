// A tiny CDK app (plain JavaScript, no build step) modelled on DESIGN.md story 2: a
// hand-built shared layer (shared-layer/python/shared_utils/) attached to several Python
// functions. scripts/cdk-synth.sh synthesizes it into ../cdk.out, which layerkit's tests
// read. What layerkit must find in it:
//   - AudioFunction imports shared_utils.audio_codec, which the layer does not have (LK101);
//   - ReportFunction also uses an imported layer (fromLayerVersionArn: LK105, not inspected);
//   - ConnectFunction and the Prod stage's ApiFunction are correct.
// The Prod stage makes the assembly hold a nested assembly (cdk.out/assembly-Prod/).
'use strict';

const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');

// Never let caches or editors' byte-code into the assets: the hashes must only depend on
// the sources in this folder.
const assetOptions = { exclude: ['__pycache__', '*.pyc'] };

function sharedLayer(scope) {
  return new lambda.LayerVersion(scope, 'SharedUtilsLayer', {
    code: lambda.Code.fromAsset('shared-layer', assetOptions),
    compatibleRuntimes: [lambda.Runtime.PYTHON_3_12],
    description: 'shared_utils, zipped as-is (the folder already has python/)',
  });
}

function pyFunction(scope, id, dir, layers, props) {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'handler.handler',
    code: lambda.Code.fromAsset(`functions/${dir}`, assetOptions),
    layers,
    ...props,
  });
}

class AudioStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const shared = sharedLayer(this);
    pyFunction(this, 'ConnectFunction', 'connect', [shared]);
    pyFunction(this, 'AudioFunction', 'audio', [shared], { architecture: lambda.Architecture.ARM_64 });
    const insights = lambda.LayerVersion.fromLayerVersionArn(this, 'InsightsExtension',
      'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53');
    pyFunction(this, 'ReportFunction', 'report', [shared, insights]);
  }
}

class ApiStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    pyFunction(this, 'ApiFunction', 'api', [sharedLayer(this)]);
  }
}

const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT || '123456789012',
  region: process.env.CDK_DEFAULT_REGION || 'us-east-1',
};

// No construct creation stack traces in the assembly: they hold absolute paths of the
// machine that synthesized it (aws-cdk-lib context key; the CLI refuses aws:* keys from
// cdk.json and -c, an App may set them itself).
const app = new cdk.App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
new AudioStack(app, 'AudioStack', { env });
const prod = new cdk.Stage(app, 'Prod', { env });
new ApiStack(prod, 'ApiStack');
app.synth();
