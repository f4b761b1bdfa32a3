import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Downloads an external image for a post, safely: http(s) only, at most `maxBytes`, within `timeoutMs` in all,
 * three redirects at most, and never from a private, loopback, link-local or otherwise internal address (SSRF).
 * The address is checked after DNS resolution, in the lookup the connection itself uses, so a name that resolves
 * differently a second time (DNS rebinding) cannot slip past.
 */
export interface FetchOptions {
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
}

export class FetchRefused extends Error {
  constructor(readonly reason: 'scheme' | 'address' | 'status' | 'size' | 'timeout' | 'network') {
    super(`External image refused: ${reason}`);
  }
}

const internal = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  internal.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  internal.addSubnet(address, prefix, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  return internal.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((a) => !allowPrivate && isInternalAddress(a.address));
      if (refused || list.length === 0) return callback(new FetchRefused('address'), '', 0);
      if ((options as dns.LookupOptions).all)
        return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export async function fetchImage(url: string, options: FetchOptions): Promise<Buffer> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let current = url;
  for (let hop = 0; hop < 4; hop++) {
    const answer = await get(current, options, deadline);
    if ('redirect' in answer) {
      current = new URL(answer.redirect, current).href;
      continue;
    }
    return answer.body;
  }
  throw new FetchRefused('status');
}

function get(
  url: string,
  options: FetchOptions,
  signal: AbortSignal,
): Promise<{ body: Buffer } | { redirect: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new FetchRefused('scheme'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new FetchRefused('scheme'));
  // A literal address skips DNS: check it here.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) && !options.allowPrivate && isInternalAddress(literal))
    return Promise.reject(new FetchRefused('address'));
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      target,
      {
        lookup: guardedLookup(options.allowPrivate),
        signal,
        headers: {
          accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif',
          'user-agent': 'Agora image fetcher',
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ redirect: response.headers.location });
        }
        if (status !== 200) {
          response.resume();
          return reject(new FetchRefused('status'));
        }
        if (Number(response.headers['content-length'] ?? 0) > options.maxBytes) {
          response.destroy();
          return reject(new FetchRefused('size'));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            response.destroy();
            reject(new FetchRefused('size'));
          } else chunks.push(chunk);
        });
        response.on('end', () => resolve({ body: Buffer.concat(chunks) }));
        response.on('error', () => reject(new FetchRefused(signal.aborted ? 'timeout' : 'network')));
      },
    );
    request.on('error', (error) =>
      reject(error instanceof FetchRefused ? error : new FetchRefused(signal.aborted ? 'timeout' : 'network')),
    );
  });
}
