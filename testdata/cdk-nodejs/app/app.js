// A CDK app of three NodejsFunctions (aws-cdk-lib/aws-lambda-nodejs), synthesized into
// ../cdk.out for layerkit's tests (see ../README.md). Plain JavaScript: no build step.
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { NodejsFunction } = require('aws-cdk-lib/aws-lambda-nodejs');

// No construct stack traces: they would hold this machine's paths.
const app = new cdk.App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new cdk.Stack(app, 'NodeStack', { env: { account: '123456789012', region: 'us-east-1' } });
const pgLayer = new lambda.LayerVersion(stack, 'PgLayer', { code: lambda.Code.fromAsset('layer'), compatibleRuntimes: [lambda.Runtime.NODEJS_22_X] });
// pg is external and the layer provides it; @aws-sdk/* comes from the runtime.
new NodejsFunction(stack, 'Orders', { entry: 'lambda/orders.ts', runtime: lambda.Runtime.NODEJS_22_X, layers: [pgLayer], bundling: { externalModules: ['@aws-sdk/*', 'pg'] } });
// The same bundle without the layer: pg is missing at run time.
new NodejsFunction(stack, 'OrdersNoLayer', { entry: 'lambda/orders.ts', runtime: lambda.Runtime.NODEJS_22_X, bundling: { externalModules: ['@aws-sdk/*', 'pg'] } });
// aws-sdk (v2) left external, as NodejsFunction does by default for Node 16 and
// earlier, on nodejs22.x, whose runtime has only v3.
new NodejsFunction(stack, 'Legacy', { entry: 'lambda/legacy.ts', runtime: lambda.Runtime.NODEJS_22_X, bundling: { externalModules: ['aws-sdk'] } });
// The default externalModules on nodejs22.x: @aws-sdk/* stays an import, which the
// runtime provides.
new NodejsFunction(stack, 'Defaults', { entry: 'lambda/sdk.ts', runtime: lambda.Runtime.NODEJS_22_X });
