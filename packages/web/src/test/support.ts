import { request } from 'node:http';
import { join } from 'node:path';

/** The bundled sample (examples/sample): a multi-service JSON log with requests, traces and an incident. */
export const sampleDir = join(import.meta.dirname, '..', '..', '..', '..', 'examples', 'sample');
export const servicesLog = join(sampleDir, 'services.jsonl');
/** The built page (the package's `build` runs before its tests). */
export const appDir = join(import.meta.dirname, '..', '..', 'dist', 'app');

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch may not set Host): method, path, headers as given. */
export function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
