// The CDK side of `layerkit build`: the layer is the zip layerkit writes, given to
// Code.fromAsset as a file. Build it first (package.json "prebuild" or CI):
//
//   layerkit build layer -o build/shared.zip --runtime python3.12 --arch arm64
//
// cdk.out/ here is written in the shape `cdk synth` gives for this app (the zip is staged as
// asset.<hash>.zip, byte-for-byte the one layerkit wrote).
'use strict';

const path = require('path');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');

class OrdersStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const shared = new lambda.LayerVersion(this, 'SharedLayer', {
      code: lambda.Code.fromAsset(path.join(__dirname, 'build', 'shared.zip')),
      compatibleRuntimes: [lambda.Runtime.PYTHON_3_12],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
    });
    new lambda.Function(this, 'OrdersFunction', {
      runtime: lambda.Runtime.PYTHON_3_12,
      architecture: lambda.Architecture.ARM_64,
      handler: 'app.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, 'functions', 'orders'), { exclude: ['__pycache__', '*.pyc'] }),
      layers: [shared],
    });
  }
}

const app = new cdk.App();
new OrdersStack(app, 'OrdersStack', { env: { account: '123456789012', region: 'us-east-1' } });
