import { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { fmt } from './fmt';
const s3 = new S3Client({});
export const handler = async () => fmt(String(!!s3) + String(!!pg));
