// The translation worker thread: keeps the inputs (from InputDelta messages),
// translates them and answers with what changed in the result, so that
// translating thousands of routes never blocks the main thread's event loop
// (health checks, the admin API, xDS streams). worker-translator.ts runs it.
import { parentPort } from "node:worker_threads";
import type { TranslatorOptions } from "../api/translation.ts";
import { translate } from "../translator/translate.ts";
import { InputStore, ResultEncoder, type InputDelta, type ResultDelta } from "./translation-delta.ts";

export interface TranslateRequest {
  id: number;
  inputs: InputDelta;
  options: TranslatorOptions;
}

export type TranslateReply = { id: number; result: ResultDelta } | { id: number; error: string };

const inputs = new InputStore();
const encoder = new ResultEncoder();

parentPort?.on("message", (req: TranslateRequest) => {
  let reply: TranslateReply;
  try {
    inputs.apply(req.inputs);
    reply = { id: req.id, result: encoder.encode(translate(inputs.resourceSet(), req.options)) };
  } catch (err) {
    reply = { id: req.id, error: (err as Error).stack ?? String(err) };
  }
  parentPort?.postMessage(reply);
});
