// Steps the real-node test files share: bounded waits for a cluster to get somewhere, CLI calls
// that must succeed, and the web Deployment they export.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliResult } from '../support/cli-runner.js';

/** `probe`'s first defined value, polled every 250 ms; fails with its last error after `timeoutMs`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(
    `${what} not within ${timeoutMs} ms${last === '' ? '' : ` (last: ${last.slice(0, 2000)})`}`,
  );
}

/** The result of a CLI call that must exit 0, with its output in the failure message. */
export function ok(result: CliResult, what: string): CliResult {
  assert.equal(
    result.code,
    0,
    `${what} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`,
  );
  return result;
}

/** Two nginx Pods answering "web in <cluster>" and their Service `web` on port 80. */
export function webDeployment(cluster: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: docker.io/nginx:stable
          command: ["/bin/sh", "-c"]
          args:
            - |
              echo "web in ${cluster}" > /usr/share/nginx/html/index.html
              nginx -g "daemon off;"
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - port: 80
`;
}
