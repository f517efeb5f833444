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

/** A header line's name and its colon. The value is cut out by hand: `:[ \t]*(.*?)[ \t]*$` backtracked quadratically on a run of
 * spaces inside a value (20k of them took over a second, a 64 KiB head ~14 s). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/;

/** The text without leading and trailing spaces and tabs, in one pass from each end. */
const withoutSurroundingBlanks = (text: string): string => {
  const blank = (code: number): boolean => code === 0x20 || code === 0x09;
  let end = text.length;
  while (end > 0 && blank(text.charCodeAt(end - 1))) end -= 1;
  let start = 0;
  while (start < end && blank(text.charCodeAt(start))) start += 1;
  return text.slice(start, end);
};

const parseHead = (text: string, rest: Buffer): CgiHeadProgress => {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const named = HEADER_NAME.exec(line);
    if (named === null) return { kind: 'error', reason: 'malformed CGI header line' };
    const name = named[0].slice(0, -1);
    const value = withoutSurroundingBlanks(line.slice(named[0].length));
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
