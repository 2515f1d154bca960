// Finds where a field of a parsed YAML document is written, so an error can
// name the field's own line rather than its object's first line.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from "yaml";

/**
 * The source offset of the field at `path` (keys and indexes) in `doc`: its
 * key when it is a mapping entry (the `field:` line), its item when it is a
 * sequence element. A path that leaves the written YAML (a defaulted or
 * missing field) gives the deepest ancestor that is written.
 */
export function offsetOf(doc: Document, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let at = rangeStart(node);
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      at = rangeStart(pair.key) ?? at;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
      if (node === undefined) break;
      at = rangeStart(node) ?? at;
    } else break;
  }
  return at;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}
