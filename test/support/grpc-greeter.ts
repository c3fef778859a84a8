import * as grpc from '@grpc/grpc-js';

// A gRPC service without generated code: messages are raw bytes (UTF-8 text), which is all the
// tests need to see which site answered and what the router did to the call.
const bytes = {
  requestSerialize: (b: Buffer): Buffer => b,
  requestDeserialize: (b: Buffer): Buffer => b,
  responseSerialize: (b: Buffer): Buffer => b,
  responseDeserialize: (b: Buffer): Buffer => b,
};

export const GreeterService = {
  hello: { path: '/test.Greeter/Hello', requestStream: false, responseStream: false, ...bytes },
  /** Streams `count` messages (the request's text), then ends; count 0 streams until cancelled, one per write callback. */
  ticks: { path: '/test.Greeter/Ticks', requestStream: false, responseStream: true, ...bytes },
  /** Never answers: the call ends by the client's deadline or cancellation. */
  hang: { path: '/test.Greeter/Hang', requestStream: false, responseStream: false, ...bytes },
} satisfies grpc.ServiceDefinition;

export const GreeterClient = grpc.makeGenericClientConstructor(GreeterService, 'Greeter');

export interface GreeterServer {
  port: number;
  /** Calls the server saw end by cancellation (a client cancel or a passed deadline), by method. */
  cancelled: Map<string, number>;
  /** Waits until `method` has seen `n` cancellations. */
  cancelledAt(method: string, n: number): Promise<void>;
  close(): Promise<void>;
}

/** A gRPC server on 127.0.0.1 that answers `hello` with `<site>:<request>`. */
export async function startGreeter(site: string): Promise<GreeterServer> {
  const server = new grpc.Server();
  const cancelled = new Map<string, number>();
  const waiters: Array<{ method: string; n: number; resolve: () => void }> = [];
  const noteCancel = (method: string): void => {
    cancelled.set(method, (cancelled.get(method) ?? 0) + 1);
    for (const w of waiters.splice(0))
      if ((cancelled.get(w.method) ?? 0) >= w.n) w.resolve();
      else waiters.push(w);
  };
  server.addService(GreeterService, {
    hello: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
      const name = call.request.toString();
      if (name === 'fail') {
        done({ code: grpc.status.UNAVAILABLE, details: `${site} is failing on purpose` });
        return;
      }
      done(null, Buffer.from(`${site}:${name}`), new grpc.Metadata(), undefined);
    },
    ticks: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const count = Number(call.request.toString());
      call.on('cancelled', () => noteCancel('ticks'));
      let sent = 0;
      const next = (): void => {
        if (call.cancelled) return;
        // count 0 streams until the client cancels, bounded all the same.
        if (sent >= (count > 0 ? count : 10_000)) {
          call.end();
          return;
        }
        sent += 1;
        call.write(Buffer.from(`${site}:${sent}`), next);
      };
      next();
    },
    hang: (call: grpc.ServerUnaryCall<Buffer, Buffer>) => {
      call.on('cancelled', () => noteCancel('hang'));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err === null ? resolve(p) : reject(err),
    ),
  );
  return {
    port,
    cancelled,
    cancelledAt: (method, n) =>
      new Promise((resolve) => {
        if ((cancelled.get(method) ?? 0) >= n) resolve();
        else waiters.push({ method, n, resolve });
      }),
    close: () =>
      new Promise((resolve) => {
        server.tryShutdown(() => resolve());
        server.forceShutdown();
      }),
  };
}
