import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

export interface LoadFigures {
  /** Completed requests per second over the whole run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses that were not 2xx, plus socket errors and timeouts: must be 0 for the figure to count. */
  readonly failures: number;
}

/** `length`: seconds to run, or `{ amount }` requests to send (the --quick mode, where autocannon's 1 s granularity would dominate). */
export const runLoad = async (
  url: string,
  connections: number,
  length: number | { readonly amount: number },
  requests: AutocannonRequest[],
): Promise<LoadFigures> => {
  const result: AutocannonResult = await autocannon({
    url,
    connections,
    ...(typeof length === 'number' ? { duration: length } : { amount: length.amount }),
    requests,
  });
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requestsPerSecond: result.requests.total / elapsed,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
};

const form = (fields: Record<string, string>): string => new URLSearchParams({ ...fields, Version: '2010-05-08' }).toString();

/**
 * A Create followed by the Delete of what it created, on users `user0`..`user{users-1}` round-robin, so the store keeps its size.
 * With `credentialService` undefined the pair is moto's CreateAccessKey + DeleteAccessKey.
 */
export const createDeleteRequests = (users: number, kind: 'service-specific' | 'access-key'): AutocannonRequest[] => {
  let next = 0;
  const idPattern = kind === 'service-specific' ? /<ServiceSpecificCredentialId>([^<]+)</ : /<AccessKeyId>([^<]+)</;
  return [
    {
      method: 'POST',
      path: '/',
      headers: FORM_HEADERS,
      setupRequest: (request, context) => {
        const user = `user${next}`;
        next = (next + 1) % users;
        context['user'] = user;
        return {
          ...request,
          body:
            kind === 'service-specific'
              ? form({ Action: 'CreateServiceSpecificCredential', UserName: user, ServiceName: 'codecommit.amazonaws.com' })
              : form({ Action: 'CreateAccessKey', UserName: user }),
        };
      },
      onResponse: (_status, body, context) => {
        context['id'] = idPattern.exec(body)?.[1] ?? 'missing';
      },
    },
    {
      method: 'POST',
      path: '/',
      headers: FORM_HEADERS,
      setupRequest: (request, context) => {
        const user = String(context['user']);
        const id = String(context['id']);
        return {
          ...request,
          body:
            kind === 'service-specific'
              ? form({ Action: 'DeleteServiceSpecificCredential', UserName: user, ServiceSpecificCredentialId: id })
              : form({ Action: 'DeleteAccessKey', UserName: user, AccessKeyId: id }),
        };
      },
    },
  ];
};

export const listRequests = (): AutocannonRequest[] => [
  { method: 'POST', path: '/', headers: FORM_HEADERS, body: form({ Action: 'ListServiceSpecificCredentials', UserName: 'holder' }) },
];

export const postForm = async (url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { ...FORM_HEADERS, ...headers }, body: form(fields) });
