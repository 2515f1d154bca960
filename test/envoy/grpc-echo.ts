// A gRPC echo backend without a .proto: every method of the listed services answers with a JSON
// buffer naming the Service, the endpoint, the method path and the request metadata it saw.
import * as grpc from "@grpc/grpc-js";

export interface GrpcEchoReply {
  service: string;
  endpoint: string;
  method: string;
  metadata: Record<string, string>;
}

const raw = { requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b };

/** `methods` are full paths, e.g. "/pkg.Echo/Say". */
export async function startGrpcEcho(o: { service: string; endpoint: string; host: string; methods: string[] }): Promise<{ port: number; close(): Promise<void> }> {
  const server = new grpc.Server();
  const byService = new Map<string, string[]>();
  for (const m of o.methods) {
    const [, svc, name] = m.split("/") as [string, string, string];
    byService.set(svc, [...(byService.get(svc) ?? []), name]);
  }
  for (const [svc, names] of byService) {
    const def: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
    const impl: grpc.UntypedServiceImplementation = {};
    for (const name of names) {
      def[name] = { path: `/${svc}/${name}`, requestStream: false, responseStream: false, originalName: name, ...raw };
      impl[name] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const md: Record<string, string> = {};
        for (const [k, v] of Object.entries(call.metadata.getMap())) md[k] = String(v);
        const reply: GrpcEchoReply = { service: o.service, endpoint: o.endpoint, method: call.getPath(), metadata: md };
        cb(null, Buffer.from(JSON.stringify(reply)));
      };
    }
    server.addService(def, impl);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host}:0`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, close: () => new Promise((r) => server.tryShutdown(() => r())) };
}

/** One unary call with a raw payload; resolves with the echo's reply or the gRPC status code. */
export function callGrpc(target: string, authority: string, method: string, metadata: Record<string, string> = {}): Promise<{ code: number; reply?: GrpcEchoReply }> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), { "grpc.default_authority": authority });
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(method, (b: Buffer) => b, (b: Buffer) => b, Buffer.from("ping"), md, { deadline: Date.now() + 20_000 }, (err, value) => {
      client.close();
      if (err) resolve({ code: err.code });
      else resolve({ code: 0, reply: JSON.parse(value!.toString()) as GrpcEchoReply });
    });
  });
}
