// What the commands that talk to a running control plane share: where its admin server is
// (--admin, SWITCHYARD_ADMIN, else the default address), reading its JSON API, and printing a
// result as a table, JSON or YAML.
import { CommandError, UsageError } from "./args.ts";

export const DEFAULT_ADMIN = "http://127.0.0.1:19000";
export const OUTPUTS = ["table", "json", "yaml"] as const;
export type Output = (typeof OUTPUTS)[number];

/** Flags every remote command takes, for parseArgs. */
export const REMOTE_FLAGS = {
  admin: { type: "string" },
  output: { type: "string", short: "o" },
} as const;

export const REMOTE_USAGE = `      --admin URL         the control plane's admin server (SWITCHYARD_ADMIN; default ${DEFAULT_ADMIN})
  -o, --output FORMAT     table (default), json or yaml`;

export function adminUrl(flag: string | undefined): string {
  const raw = flag ?? process.env.SWITCHYARD_ADMIN ?? DEFAULT_ADMIN;
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new UsageError(`--admin must be a URL such as ${DEFAULT_ADMIN}, got ${JSON.stringify(raw)}`);
  }
  return url.origin;
}

export function outputOf(flag: string | undefined): Output {
  const o = flag ?? "table";
  if (!(OUTPUTS as readonly string[]).includes(o)) throw new UsageError(`-o must be table, json or yaml, got ${JSON.stringify(o)}`);
  return o as Output;
}

/** GETs `path` from the admin server; a non-2xx answer or no answer is a CommandError naming the URL. */
export async function getJson<T>(admin: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(admin + path, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CommandError(`cannot reach the admin server at ${admin} (${why}); is \`switchyard serve\` running? Pass --admin URL or set SWITCHYARD_ADMIN`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CommandError(`${admin}${path} answered ${res.status} with something that is not JSON; is ${admin} a switchyard admin server?`);
  }
  if (!res.ok) throw new CommandError((body as { error?: string }).error ?? `${admin}${path} answered ${res.status}`);
  return body as T;
}

/** kubectl-style: upper-case headers, columns padded to their widest cell, three spaces apart. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("   ").trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n") + "\n";
}

/** Prints `data` as JSON or YAML; for tables the command renders its own. */
export async function printData(data: unknown, output: Exclude<Output, "table">, out: (s: string) => void): Promise<void> {
  if (output === "json") out(JSON.stringify(data, null, 2) + "\n");
  else {
    const { stringify } = await import("yaml");
    out(stringify(data, { lineWidth: 0, aliasDuplicateObjects: false }));
  }
}

export function short(v: string | undefined): string {
  return v ? v.slice(0, 10) : "-";
}
