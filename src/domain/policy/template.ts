import type { Template, TemplatePart } from './types.js';

/**
 * Policy variables in a value: `${aws:username}`, with a default `${aws:username, 'nobody'}`, and the escapes `${*}`, `${?}`,
 * `${$}` for the characters `*`, `?` and `$` taken literally (never as wildcards). Key names are case-insensitive. Text that
 * looks like neither (`${` without its `}`, `${a b}`) stays literal text, as IAM leaves it.
 */
const VARIABLE = /^\s*([^\s,'}]+)\s*(?:,\s*'([^']*)'\s*)?$/;

export const literalTemplate = (raw: string): Template => ({ raw });

/** Splits `raw` around its variables; a value without any keeps no parts (matched as written). */
export const parseTemplate = (raw: string): Template => {
  if (!raw.includes('${')) return { raw };
  const parts: TemplatePart[] = [];
  let text = '';
  let index = 0;
  while (index < raw.length) {
    const start = raw.indexOf('${', index);
    if (start < 0) break;
    const end = raw.indexOf('}', start + 2);
    if (end < 0) break;
    const inner = raw.slice(start + 2, end);
    text += raw.slice(index, start);
    if (inner === '*' || inner === '?' || inner === '$') {
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'literal', text: inner });
    } else {
      const variable = VARIABLE.exec(inner);
      if (variable === null) {
        text += raw.slice(start, end + 1);
      } else {
        if (text !== '') parts.push({ kind: 'text', text });
        text = '';
        const key = (variable[1] ?? '').toLowerCase();
        const fallback = variable[2];
        parts.push(fallback === undefined ? { kind: 'variable', key } : { kind: 'variable', key, fallback });
      }
    }
    index = end + 1;
  }
  text += raw.slice(index);
  if (text !== '') parts.push({ kind: 'text', text });
  return parts.some((part) => part.kind !== 'text') ? { raw, parts } : { raw };
};
