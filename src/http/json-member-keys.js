// @ts-check
// Reads the keys of one member object from a JSON text, in the order they were written: what JSON.parse cannot
// give back, since it puts integer-like keys first. Plain JavaScript, type-checked through JSDoc, so that worker
// threads can load it too (Node 20 does not apply the TypeScript loader to them).

/**
 * The keys of the object at `body[member]` in the order the client wrote them. JSON.parse puts integer-like keys
 * ("12345", a plausible serial number) before the others, so where the contract promises input order, the order is
 * read from the text. `text` must be valid JSON (it parsed already). Undefined when `body[member]` is no object.
 * @param {string} text
 * @param {string} member
 * @returns {string[] | undefined}
 */
export function memberKeysInTextOrder(text, member) {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(/** @type {string} */ (text[i]))) i++;
  };
  /** @returns {string} */
  const readString = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return /** @type {string} */ (JSON.parse(text.slice(start, i)));
  };
  /** @returns {void} */
  const skipValue = () => {
    skipSpace();
    if (text[i] === '"') return void readString();
    if (text[i] !== '{' && text[i] !== '[') {
      while (i < text.length && !',}] \t\n\r'.includes(/** @type {string} */ (text[i]))) i++;
      return;
    }
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        readString();
        continue;
      }
      i++;
      if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) return;
    }
  };
  /**
   * At `{`: calls `onMember` with each key, positioned at its value, which `onMember` must consume.
   * @param {(key: string) => void} onMember
   * @returns {void}
   */
  const readObject = (onMember) => {
    i++;
    skipSpace();
    if (text[i] === '}') return void i++;
    while (i < text.length) {
      skipSpace();
      const key = readString();
      skipSpace();
      i++; // ':'
      skipSpace();
      onMember(key);
      skipSpace();
      if (text[i++] !== ',') return; // '}'
    }
  };
  try {
    skipSpace();
    if (text[i] !== '{') return undefined;
    /** @type {string[] | undefined} */
    let keys;
    readObject((key) => {
      if (key !== member || text[i] !== '{') {
        if (key === member) keys = undefined; // JSON.parse keeps the last occurrence of a repeated key
        return skipValue();
      }
      /** @type {string[]} */
      const found = [];
      readObject((inner) => {
        found.push(inner);
        skipValue();
      });
      keys = [...new Set(found)];
    });
    return keys;
  } catch {
    return undefined;
  }
}
