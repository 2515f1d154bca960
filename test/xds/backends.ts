// Real gRPC servers on 127.0.0.x for the grpc-js-xds tests: each answers
// /test.Echo/Who with its own name, so a test sees where an RPC was routed.
import * as grpc from "@grpc/grpc-js";

const identity = (b: Buffer): Buffer => b;

export const ECHO_SERVICE: grpc.ServiceDefinition = {
  who: {
    path: "/test.Echo/Who",
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

export interface Backend {
  name: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startBackend(name: string, host: string): Promise<Backend> {
  const server = new grpc.Server();
  server.addService(ECHO_SERVICE, {
    who: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(name)),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    name,
    host,
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

export const EchoClient = grpc.makeGenericClientConstructor(ECHO_SERVICE, "Echo");

/** One RPC; resolves with the name of the backend that answered. */
export function who(client: grpc.Client, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    (client as unknown as {
      who(req: Buffer, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): void;
    }).who(Buffer.alloc(0), { deadline: Date.now() + timeoutMs }, (err, res) =>
      err ? reject(err) : resolve(res?.toString() ?? ""),
    );
  });
}
