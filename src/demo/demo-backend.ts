import { createServer, type Server } from 'node:http';

/** A tiny HTTP backend that answers with its site's name, as the demo's sample service. */
export async function startDemoBackend(
  site: string,
  port = 0,
): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': site });
    res.end(`hello from ${site}\n`);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}
