// Per-stream, per-type protocol state as the admin API and CSDS show it.

export interface TypeStatus {
  typeUrl: string;
  /** "*" for a wildcard subscription, plus any names asked for explicitly. */
  subscribed: string[];
  lastSentVersion?: string;
  lastSentNonce?: string;
  lastSentAt?: string;
  lastAckedVersion?: string;
  lastAckedAt?: string;
  lastNackedVersion?: string;
  lastNackedAt?: string;
  /** The error_detail message of the last NACK; cleared by the next ACK. */
  nackMessage?: string;
  /** A response was sent and neither ACKed nor NACKed yet. */
  awaitingAck: boolean;
}

export interface NodeStatus {
  /** Unique per stream in this process. */
  streamId: number;
  nodeId: string;
  /** node.cluster as the client sent it. */
  cluster: string;
  /** The snapshot this stream is served from (after authorization). */
  snapshotKey: string;
  protocol: "sotw" | "delta";
  peer: string;
  connectedSince: string;
  /** The snapshot version the client has ACKed in full; absent until it first has. */
  syncedVersion?: string;
  types: TypeStatus[];
}
