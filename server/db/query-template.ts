import type { Compilable, CompiledQuery } from 'kysely';

/**
 * A statement written with Kysely's builder, built and compiled ONCE, then run with each call's values (issue
 * 20): building and compiling the thread page's statement took about a tenth of a node's CPU when many reads
 * missed the page cache. The builder runs once with a unique stand-in for each value; the places where those
 * land in the compiled parameter list are remembered and filled with each call's values. For statements whose
 * shape never depends on the values (no optional parts, no lists expanded into several parameters, no
 * arithmetic on them): a value the builder did not pass through as a parameter is refused at the first call.
 */
export class QueryTemplate<V extends Record<string, unknown>, R> {
  private compiled?: { query: CompiledQuery<R>; slots: { index: number; key: keyof V & string }[] };

  constructor(
    private readonly keys: readonly (keyof V & string)[],
    private readonly build: (values: V) => Compilable<R>,
  ) {}

  /** The compiled statement with these values, for `executeQuery`. */
  with(values: V): CompiledQuery<R> {
    const compiled = (this.compiled ??= this.compile());
    const parameters = [...compiled.query.parameters];
    for (const { index, key } of compiled.slots) parameters[index] = values[key];
    return { ...compiled.query, parameters };
  }

  private compile() {
    const standIns = new Map(this.keys.map((key) => [Object.freeze({ standIn: key }) as unknown, key]));
    const query = this.build(Object.fromEntries([...standIns].map(([standIn, key]) => [key, standIn])) as V).compile();
    const slots = query.parameters.flatMap((value, index) => {
      const key = standIns.get(value);
      return key === undefined ? [] : [{ index, key }];
    });
    const missing = this.keys.filter((key) => !slots.some((slot) => slot.key === key));
    if (missing.length > 0) throw new Error(`QueryTemplate: ${missing.join(', ')} did not become parameters`);
    return { query, slots };
  }
}

/**
 * QueryTemplates of one statement whose text depends on a few choices (which columns, which conditions): one per
 * shape, named by a key the caller derives from those choices, each built on first use.
 */
export function templatesByShape<S, V extends Record<string, unknown>, R>(
  keys: (shape: S) => readonly (keyof V & string)[],
  build: (shape: S, values: V) => Compilable<R>,
): (shapeKey: string, shape: S) => QueryTemplate<V, R> {
  const byShape = new Map<string, QueryTemplate<V, R>>();
  return (shapeKey, shape) => {
    let template = byShape.get(shapeKey);
    if (!template) byShape.set(shapeKey, (template = new QueryTemplate(keys(shape), (v: V) => build(shape, v))));
    return template;
  };
}
