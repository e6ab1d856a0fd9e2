/**
 * Characters no input of ours needs and that make stored text lie about itself: C0/C1 controls,
 * format characters (bidi overrides such as U+202E, zero-width spaces and joiners, the BOM), line
 * and paragraph separators, surrogates and private-use code points. A passport number with a
 * right-to-left override reads differently on a HIS screen than it is stored.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}]/u;
const UNSAFE_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}]/gu;

export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/** For text we keep but did not ask for (a user agent, a provider's nickname): drop what is unsafe. */
export function withoutUnsafeCharacters(text: string): string {
  return text.replace(UNSAFE_ALL, '');
}

/**
 * Paths of every string in a parsed request (body, query or path) that holds unsafe characters,
 * object keys included. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function unsafeStringPaths(value: unknown, root: string): string[] {
  const found: string[] = [];
  const pending: Array<[unknown, string]> = [[value, root]];
  while (pending.length > 0) {
    const [current, path] = pending.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (hasUnsafeCharacters(current)) found.push(path);
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => {
        pending.push([item, `${path}.${i}`]);
      });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (hasUnsafeCharacters(key)) found.push(`${path}.<key>`);
        pending.push([item, `${path}.${key}`]);
      }
    }
  }
  return found.sort();
}
