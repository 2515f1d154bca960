// The translation worker thread: keeps the inputs (from InputDelta messages),
// translates them and answers with what changed in the result, so that
// translating thousands of routes never blocks the main thread's event loop
// (health checks, the admin API, xDS streams). worker-translator.ts runs it.
import { parentPort } from "node:worker_threads";
import type { ResourceSet } from "../api/resource-set.ts";
import type { TranslationResult, TranslatorOptions } from "../api/translation.ts";
import { translate } from "../translator/translate.ts";
import { endpointsOnly } from "./endpoint-fast-path.ts";
import { changedGatewaysOnly } from "./gateway-fast-path.ts";
import { InputStore, ResultEncoder, type InputDelta, type ResultDelta } from "./translation-delta.ts";

export interface TranslateRequest {
  id: number;
  inputs: InputDelta;
  options: TranslatorOptions;
}

/**
 * "full": translate() ran; "endpoints": only EndpointSlices changed and only their assignments were
 * rebuilt; "gateways": only routes changed and only the Gateways they name were translated again;
 * "unchanged": no input changed (a source woke for something it keeps out of the inputs, such as a
 * status-only update), so the last result stands.
 */
export type TranslationMode = "full" | "endpoints" | "gateways" | "unchanged";

export type TranslateReply = { id: number; result: ResultDelta; mode: TranslationMode } | { id: number; error: string };

const inputs = new InputStore();
const encoder = new ResultEncoder();
let last: { rs: ResourceSet; result: TranslationResult; options: string } | undefined;

parentPort?.on("message", (req: TranslateRequest) => {
  let reply: TranslateReply;
  try {
    inputs.apply(req.inputs);
    const rs = inputs.resourceSet();
    const options = JSON.stringify(req.options);
    const prev = last !== undefined && last.options === options ? last : undefined;
    const unchanged = prev !== undefined && req.inputs.upserts.length === 0 && req.inputs.deletes.length === 0;
    const endpoints = prev && !unchanged ? endpointsOnly(prev.rs, prev.result, rs, req.inputs) : undefined;
    const gateways = prev && !unchanged && !endpoints ? changedGatewaysOnly(prev.rs, prev.result, rs, req.inputs, req.options) : undefined;
    const result = prev && unchanged ? prev.result : (endpoints ?? gateways ?? translate(rs, req.options));
    last = { rs, result, options };
    const mode: TranslationMode = unchanged ? "unchanged" : endpoints ? "endpoints" : gateways ? "gateways" : "full";
    reply = { id: req.id, result: encoder.encode(result), mode };
  } catch (err) {
    last = undefined;
    reply = { id: req.id, error: (err as Error).stack ?? String(err) };
  }
  parentPort?.postMessage(reply);
});
