import AWS from 'aws-sdk';
export const handler = async () => String(!!AWS);
