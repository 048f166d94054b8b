import { S3Client } from '@aws-sdk/client-s3';
export const handler = async () => String(!!new S3Client({}));
