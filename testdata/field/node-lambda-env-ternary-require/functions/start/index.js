// On Lambda the layer is under /opt; run locally (tests), the same module comes from the repository.
const { logger } = process.env.LAMBDA_TASK_ROOT
  ? require('/opt/nodejs/lambda-powertools')
  : require('../../layers/shared/nodejs/lambda-powertools');
const { S3Client } = require('@aws-sdk/client-s3');

if (!process.env.AWS_LAMBDA_FUNCTION_NAME) {
  require('dotenv').config();
}

const s3 = new S3Client({});

exports.handler = async (event) => {
  logger.info('start', event);
  return { ok: true, client: typeof s3 };
};
