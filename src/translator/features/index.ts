// FEATURES: every feature module, in the order their hooks run. The order is
// part of the output: it is the order of a route's feature fields in the IR,
// of its typed_per_filter_config entries and of the HTTP filters before the
// router. translate.ts is the only importer; docs/architecture.md says how to
// add a feature.
import type { Feature } from "./feature.ts";
import { backendTls } from "./backend-tls/index.ts";
import { clientCertValidation } from "./client-cert-validation/index.ts";
import { cors } from "./cors/index.ts";
import { requestMirror } from "./request-mirror/index.ts";
import { sessionPersistence } from "./session-persistence/index.ts";
import { timeouts } from "./timeouts/index.ts";

export const FEATURES: readonly Feature[] = [requestMirror, timeouts, cors, backendTls, clientCertValidation, sessionPersistence];
