import { scanCredential } from '../src/protocol/query/access-key.js';
import { NodeSha256, verifySignature } from '../src/protocol/sigv4/verify-signature.js';
import { type BenchTask, type RoundOptions, measureRounds } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

/** The regular expression the scanner replaced (issue 13 item 1), kept here as the baseline. */
const REPLACED = /^\s*AWS4-HMAC-SHA256\s+(?:.*[\s,])?Credential=([^,\s]+)/i;

const TYPICAL =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/iam/aws4_request, ' +
  'SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-user-agent, ' +
  'Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
/** Quadratic for the regular expression: 2000 spaces cost it ~16 ms (8000, the reported case, ~250 ms). */
const HOSTILE = `AWS4-HMAC-SHA256${' '.repeat(2000)}x`;

const task = (name: string, perBatch: number, operation: () => unknown): BenchTask => ({
  name,
  perBatch,
  batch: () => {
    for (let index = 0; index < perBatch; index += 1) operation();
  },
});

export const runSigV4 = async (options: RoundOptions): Promise<ResultRow[]> => {
  const section = 'Signatures (Authorization header scan; --verify-signatures)';
  const scans = await measureRounds(
    [
      task('scan typical', 100, () => scanCredential(TYPICAL)),
      task('regex typical', 100, () => REPLACED.exec(TYPICAL)),
      task('scan hostile', 10, () => scanCredential(HOSTILE)),
      task('regex hostile', 1, () => REPLACED.exec(HOSTILE)),
    ],
    options,
  );

  // One SDK-shaped signed POST, verified again and again (no replay cache, as on AWS).
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const now = new Date();
  const signed = await new SignatureV4({ service: 'iam', region: 'us-east-1', sha256: NodeSha256, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } }).sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: { host: '127.0.0.1:4599', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=CreateServiceSpecificCredential&ServiceName=codecommit.amazonaws.com&UserName=user0&Version=2010-05-08',
    },
    { signingDate: now },
  );
  const request = { method: 'POST', path: '/', queryString: '', headers: signed.headers, body: String(signed.body), now };
  const keys = new Map([['AKIDBENCH', 'bench-secret']]);
  const verifications = await measureRounds(
    [
      {
        name: 'verify',
        perBatch: 20,
        batch: async () => {
          for (let index = 0; index < 20; index += 1) if ((await verifySignature(request, keys)).isErr()) throw new Error('bench request did not verify');
        },
      },
    ],
    options,
  );

  const row = (id: string, label: string, value: number, baseline?: { label: string; value: number }, target?: string, met?: boolean): ResultRow => ({
    id,
    section,
    label,
    value,
    unit: 'ops/s',
    ...(baseline === undefined ? {} : { baseline, ratio: value / baseline.value }),
    ...(target === undefined ? {} : { target }),
    ...(met === undefined ? {} : { met }),
  });
  const typical = scans.get('scan typical') ?? 0;
  const typicalBase = scans.get('regex typical') ?? 0;
  const hostile = scans.get('scan hostile') ?? 0;
  const hostileBase = scans.get('regex hostile') ?? 0;
  return [
    row('sigv4.scan-typical', 'Key id from an SDK Authorization header (linear scan)', typical, { label: 'replaced regex', value: typicalBase }),
    row('sigv4.scan-hostile', 'Key id from a 2000-space hostile header (linear scan)', hostile, { label: 'replaced regex', value: hostileBase }, '>= 100x the regex', hostile / hostileBase >= 100),
    row('sigv4.verify', 'verifySignature of an SDK-shaped POST (@smithy/signature-v4)', verifications.get('verify') ?? 0),
  ];
};
