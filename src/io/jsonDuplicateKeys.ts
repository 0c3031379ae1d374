// Finds a key given twice in one JSON object, which JSON.parse lets silently win (a second "__metadata__" in a
// safetensors header would replace the first): a scan of text that JSON.parse has already accepted.

/** The first key repeated within one object, as "outer.inner" (top level: the key), or null. */
export function duplicateJsonKey(text: string): string | null {
  // One frame per open object or array; objects keep their keys and whether a key comes next.
  const stack: { keys: Set<string> | null; expectKey: boolean; last: string }[] = [];
  const path = () => stack.filter((f) => f.keys !== null).map((f) => f.last);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return [...path().slice(0, -1), key].join(".");
        top.keys.add(key);
        top.last = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === "{") {
      stack.push({ keys: new Set(), expectKey: true, last: "" });
    } else if (c === "[") {
      stack.push({ keys: null, expectKey: false, last: "" });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return null;
}
