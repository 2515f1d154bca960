// Runs the CLI in-process and captures what it prints.
import { main } from "../../src/cli/main.ts";

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, (s) => void (out += s), (s) => void (err += s));
  return { code, out, err };
}
