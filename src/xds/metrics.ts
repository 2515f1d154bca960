// The ADS server's Prometheus metrics, registered on the Registry it is given.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export class XdsMetrics {
  readonly streams: Gauge<"protocol">;
  readonly pushes: Counter<"type">;
  readonly acks: Counter<"type">;
  readonly nacks: Counter<"type">;
  readonly pushToAck: Histogram<"type">;
  readonly unknownSnapshot: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.streams = new Gauge({
      name: "switchyard_xds_streams_connected",
      help: "ADS streams currently open",
      labelNames: ["protocol"],
      registers,
    });
    const perType = (name: string, help: string) => new Counter({ name, help, labelNames: ["type"], registers });
    this.pushes = perType("switchyard_xds_pushes_total", "Discovery responses sent, per resource type");
    this.acks = perType("switchyard_xds_acks_total", "Discovery responses ACKed, per resource type");
    this.nacks = perType("switchyard_xds_nacks_total", "Discovery responses NACKed (rejected by the client), per resource type");
    this.pushToAck = new Histogram({
      name: "switchyard_xds_push_to_ack_seconds",
      help: "Time from sending a discovery response to its ACK or NACK",
      labelNames: ["type"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.unknownSnapshot = new Counter({
      name: "switchyard_xds_unknown_snapshot_streams_total",
      help: "Streams whose node asked for a snapshot key that is not served",
      registers,
    });
  }
}
