/**
 * The head of a CGI answer (RFC 3875 section 6), Sans-I/O: feed stdout chunks until the blank line that ends the header lines;
 * get the status (`Status: 404 Not Found`, default 200), the headers, and the bytes after the head (the start of the body).
 * Lines may end in LF or CRLF. A head larger than MAX_CGI_HEAD_BYTES, or a malformed header line, is an error.
 */
export const MAX_CGI_HEAD_BYTES = 64 * 1024;

export interface CgiHead {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly rest: Buffer;
}

export type CgiHeadProgress = { readonly kind: 'more' } | { readonly kind: 'head'; readonly head: CgiHead } | { readonly kind: 'error'; readonly reason: string };

const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

const parseHead = (text: string, rest: Buffer): CgiHeadProgress => {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = HEADER_LINE.exec(line);
    if (match === null) return { kind: 'error', reason: 'malformed CGI header line' };
    const [, name, value] = match as unknown as [string, string, string];
    if (name.toLowerCase() === 'status') {
      const code = /^(\d{3})(?: .*)?$/.exec(value);
      if (code === null) return { kind: 'error', reason: 'malformed CGI Status' };
      status = Number(code[1]);
    } else if (/^[\x20-\x7e\t]*$/.test(value)) {
      headers.push([name, value]);
    } else {
      return { kind: 'error', reason: 'malformed CGI header value' };
    }
  }
  return { kind: 'head', head: { status, headers, rest } };
};

export class CgiHeadParser {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): CgiHeadProgress {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (const separator of ['\r\n\r\n', '\n\n']) {
      const end = this.buffered.indexOf(separator);
      if (end !== -1 && end <= MAX_CGI_HEAD_BYTES) {
        // The earliest blank line wins when both forms occur.
        const other = this.buffered.indexOf(separator === '\n\n' ? '\r\n\r\n' : '\n\n');
        if (other !== -1 && other < end) continue;
        return parseHead(this.buffered.subarray(0, end).toString('latin1'), this.buffered.subarray(end + separator.length));
      }
    }
    return this.buffered.length > MAX_CGI_HEAD_BYTES ? { kind: 'error', reason: 'CGI head too large' } : { kind: 'more' };
  }
}
