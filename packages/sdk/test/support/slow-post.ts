/**
 * POSTs whose body arrives in later socket reads than the headers: what a framework's body
 * parser then runs from is the socket's callbacks, where a request context can get lost.
 */
import { Agent, request as httpRequest } from 'node:http';

/** Sends the headers, then `body` in two pieces 30 ms apart; resolves with the status code. */
export function slowPost(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent: Agent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.flushHeaders();
    setTimeout(() => request.write(body.slice(0, 5)), 30);
    setTimeout(() => request.end(body.slice(5)), 60);
  });
}

/** Two slow POSTs one after the other on one keep-alive connection, with these request ids. */
export async function twoSlowPostsOnOneConnection(
  url: string,
  body: string,
  requestIds: readonly [string, string],
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await slowPost(url, body, { 'x-request-id': requestIds[0] }, agent);
    const second = await slowPost(url, body, { 'x-request-id': requestIds[1] }, agent);
    return [first, second];
  } finally {
    agent.destroy();
  }
}
