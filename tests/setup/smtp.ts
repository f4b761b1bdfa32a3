import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server received, its headers and parts decoded enough for assertions. */
export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Every message sent to this address so far. */
  to(address: string): ReceivedMail[];
  /** The first link of the last message to this address whose path starts with `pathPrefix`. */
  linkTo(address: string, pathPrefix: string): string;
  /** Makes the next RCPT TO for this address fail with this SMTP code (5xx: for good, 4xx: for now). */
  refuse(address: string, code: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process (the `smtp-server` package): the app's worker talks SMTP to it over
 * loopback exactly as to a production server. No TLS and no authentication, as a local relay would be.
 */
export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const refusals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refusals.get(address.address.toLowerCase());
      if (code === undefined) return callback();
      const error = new Error(`refused by the test server (${code})`) as Error & { responseCode: number };
      error.responseCode = code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          ...parse(raw),
          raw,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const to = (address: string) => received.filter((m) => m.to.includes(address));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    to,
    linkTo(address, pathPrefix) {
      const mail = to(address).at(-1);
      if (!mail) throw new Error(`no mail to ${address}`);
      const link = mail.text.match(/https?:\/\/\S+/g)?.find((u) => new URL(u).pathname.startsWith(pathPrefix));
      if (!link) throw new Error(`no link to ${pathPrefix} in the mail to ${address}:\n${mail.text}`);
      return link;
    },
    refuse(address, code) {
      refusals.set(address.toLowerCase(), code);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headers (unfolded, encoded words decoded) and the text and HTML parts (quoted-printable or base64). */
function parse(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text' | 'html'> {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = headerMap(head!);
  const body = rest.join('\n\n');
  const parts: Record<string, string> = {};
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/g)].map((m) => m[1]!);
  const sections = boundaries.length ? body.split(new RegExp(`--(?:${boundaries.map(escapeRe).join('|')})`)) : [raw];
  for (const section of sections) {
    const [partHead, ...partBody] = section.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const h = headerMap(partHead ?? '');
    const type = (h['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'text/plain' && type !== 'text/html') continue;
    parts[type] = decodeBody(partBody.join('\n\n'), h['content-transfer-encoding'] ?? '7bit');
  }
  return { headers, subject: headers.subject ?? '', text: parts['text/plain'] ?? '', html: parts['text/html'] ?? '' };
}

function headerMap(head: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) map[line.slice(0, at).trim().toLowerCase()] = decodeWords(line.slice(at + 1).trim());
  }
  return map;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
    );
}

function decodeBody(body: string, encoding: string): string {
  const trimmed = body.replace(/\r?\n--\s*$/, '');
  if (/base64/i.test(encoding)) return Buffer.from(trimmed.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) return decodeQp(trimmed.replace(/=\r?\n/g, ''));
  return trimmed;
}

function decodeQp(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
