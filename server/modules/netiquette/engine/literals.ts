/**
 * Required literals of a regular expression: for a pattern whose every top-level alternative contains a
 * plain run of at least three letters or digits outside any group or class (« promo » in
 * `(code|coupon)[-_ ]?promo\d+`), a text containing none of them cannot match, and the regular-expression
 * engine need not scan it. Conservative: when a pattern is not that simple, no literals (undefined), and
 * the engine always runs.
 */
export function requiredLiterals(pattern: string): string[] | undefined {
  const alternatives = splitTopLevel(pattern);
  if (!alternatives) return undefined;
  const literals: string[] = [];
  for (const alt of alternatives) {
    const literal = longestLiteral(alt);
    if (!literal) return undefined;
    literals.push(literal);
  }
  return literals;
}

/** Splits on `|` outside groups and classes; undefined when the pattern has flags or constructs we don't read. */
function splitTopLevel(pattern: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || inClass) return undefined;
  parts.push(pattern.slice(start));
  return parts;
}

const PLAIN = /[a-z0-9 _-]/i;

/** The longest run of plain characters at depth 0 that the match must contain, lower-cased. */
function longestLiteral(alt: string): string | undefined {
  let best = '';
  let run = '';
  let depth = 0;
  let inClass = false;
  const close = (next: string | undefined) => {
    // A quantifier that allows zero repetitions makes the run's last character optional.
    let r = run;
    if (next === '?' || next === '*' || next === '{') r = r.slice(0, -1);
    if (r.trim().length > best.trim().length) best = r;
    run = '';
  };
  for (let i = 0; i < alt.length; i++) {
    const c = alt[i]!;
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (depth === 0 && PLAIN.test(c)) {
      run += c;
      continue;
    }
    close(c);
    if (c === '\\') {
      i++; // an escape (\d, \w, \., …) ends the run and is not taken as literal
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      // A quantified group ("(...)?") changes nothing: its content was never counted.
    }
  }
  close(undefined);
  const literal = best.trim().toLowerCase();
  return literal.length >= 3 ? literal : undefined;
}
