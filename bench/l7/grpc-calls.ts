import * as grpc from '@grpc/grpc-js';
import { GreeterClient } from '../../test/support/grpc-greeter.js';

/** Unary calls/s of one grpc-js channel keeping `inFlight` calls outstanding until `calls` are done. */
export async function grpcUnaryRate(
  target: string,
  calls: number,
  inFlight: number,
): Promise<{ callsPerSecond: number; failed: number }> {
  const client = new GreeterClient(target, grpc.credentials.createInsecure());
  const one = (): Promise<boolean> =>
    new Promise((resolve) =>
      client.makeUnaryRequest(
        '/test.Greeter/Hello',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from('bench'),
        { deadline: Date.now() + 30_000 },
        (err: grpc.ServiceError | null) => resolve(err === null),
      ),
    );
  // Warm the channel (connection and first session) outside the timed part.
  await one();
  let started = 0;
  let failed = 0;
  const begin = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (started < calls) {
      started += 1;
      if (!(await one())) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  client.close();
  return { callsPerSecond: calls / seconds, failed };
}
