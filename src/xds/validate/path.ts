// Field paths as a linked list, so the walk allocates one small node per
// step and a string is built only when a violation is reported.
export interface Path {
  readonly up: Path | undefined;
  /** A field name (`routes`), or an index/key already in brackets (`[2]`, `["x-key"]`). */
  readonly seg: string;
}

export const ROOT: Path | undefined = undefined;

export function field(up: Path | undefined, name: string): Path {
  return { up, seg: name };
}

export function index(up: Path | undefined, i: number): Path {
  return { up, seg: `[${i}]` };
}

export function key(up: Path | undefined, k: string): Path {
  return { up, seg: `[${JSON.stringify(k)}]` };
}

export function render(path: Path | undefined): string {
  const segs: string[] = [];
  for (let p = path; p; p = p.up) segs.push(p.seg);
  let out = "";
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i] as string;
    out += out === "" || s.startsWith("[") ? s : `.${s}`;
  }
  return out;
}
