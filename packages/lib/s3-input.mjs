// The presigning input shared by the s3 worker and the runner, which presigns the same URL under
// Node with the same packages to compare signatures.
export function presignInput(key) {
  return {
    client: {
      region: 'eu-central-1',
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      forcePathStyle: false,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    },
    command: { Bucket: 'tenantd-packages', Key: key, ResponseContentDisposition: 'attachment; filename="summary.pdf"' },
    options: { expiresIn: 900, signingDate: new Date('2026-01-01T12:00:00Z') },
  };
}
