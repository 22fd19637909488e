import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';

export interface ClientTls {
  ca?: string;
  cert?: string;
  key?: string;
  /** Components with self-signed serving certificates (controller-manager, scheduler healthz). */
  insecure?: boolean;
}

/** One GET with a short timeout: resolves with the body on 200, undefined otherwise (never throws). */
export function getOk(url: string, tls?: ClientTls, timeoutMs = 2_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const secure = url.startsWith('https:');
    const options = secure
      ? {
          ca: tls?.ca ? readFileSync(tls.ca) : undefined,
          cert: tls?.cert ? readFileSync(tls.cert) : undefined,
          key: tls?.key ? readFileSync(tls.key) : undefined,
          rejectUnauthorized: !tls?.insecure,
          timeout: timeoutMs,
        }
      : { timeout: timeoutMs };
    const request = (secure ? httpsRequest : httpRequest)(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? body : undefined));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
    request.end();
  });
}

/** Whether nothing listens on host:port yet (binds and releases it at once). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
