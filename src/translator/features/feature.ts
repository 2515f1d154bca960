// The shape of a feature module: a name, and the hooks of the stages it touches
// (resolve/hooks.ts, envoy/hooks.ts). Every feature is one entry of FEATURES
// (features/index.ts); translate.ts hands their hooks to the two stages.
import type { EmitHooks } from "../envoy/hooks.ts";
import type { ResolveHooks } from "../resolve/hooks.ts";

export interface Feature {
  /** Readable and unique; the feature's file or folder under features/ has this name. */
  name: string;
  resolve?: ResolveHooks;
  emit?: EmitHooks;
}

/** Each stage's hooks, in FEATURES order (the order decides IR field and HTTP filter order). */
export interface FeatureHooks {
  resolve: readonly ResolveHooks[];
  emit: readonly EmitHooks[];
}

export function featureHooks(features: readonly Feature[]): FeatureHooks {
  return {
    resolve: features.flatMap((f) => (f.resolve ? [f.resolve] : [])),
    emit: features.flatMap((f) => (f.emit ? [f.emit] : [])),
  };
}
