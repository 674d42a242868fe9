// @aws-sdk/client-s3 + s3-request-presigner: a presigned GET URL with fixed credentials and clock.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { presignInput } from '../../lib/s3-input.mjs';

export default {
  async fetch(request) {
    const key = new URL(request.url).searchParams.get('key') ?? 'reports/2026/summary.pdf';
    const { client, command, options } = presignInput(key);
    const url = await getSignedUrl(new S3Client(client), new GetObjectCommand(command), options);
    return new Response(url);
  },
};
