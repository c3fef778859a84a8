// Causeway's DnsServer over the bench records, as its own process so the bench can pin it to one core.
// Prints `READY <port>` once it answers, and `STATS {...}` (the server's counters) when sent SIGTERM.
// Usage: node dist/bench/dns/causeway-dns-server.js
import { DnsServer } from '../../src/dns/index.js';
import { BenchDnsView } from './bench-dns-view.js';
import { BENCH_SERIAL, BENCH_TTL, BENCH_ZONE, benchServices } from './bench-services.js';

const server = new DnsServer(new BenchDnsView(benchServices(), BENCH_SERIAL), {
  zone: BENCH_ZONE,
  ttl: BENCH_TTL,
});
const { port } = await server.listen('127.0.0.1', 0);
process.stdout.write(`READY ${port}\n`);

// Exiting through process.exit (not the signal) lets `node --cpu-prof` write its profile.
process.once('SIGTERM', () => {
  process.stdout.write(`STATS ${JSON.stringify(server.stats())}\n`);
  void server.close().finally(() => process.exit(0));
});
