import ajvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Factories = Required<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>>;
type Validate = ((data: unknown, options?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/**
 * Fastify's own schema compilers (Ajv for what a route takes, fast-json-stringify for what it answers), each
 * route's compiled when it first serves a request instead of at start-up (issue 20: start-up and idle memory).
 * Compiling every route's schemas was a third of a node's start (about a second here) and their generated code
 * stays in memory for routes a node may never serve (the console's, the admin's). The same compilers and
 * options: a route validates and serialises exactly as before, its first request pays the compile (a few
 * milliseconds). `compileAll` (after listening, a few routes per turn) compiles what no request has yet, so a
 * schema the compilers refuse still shows within seconds of the start rather than at some later request.
 */
export function lazySchemaCompilers(): Factories & { compileAll(): Promise<number> } {
  const pending = new Set<() => void>();
  const later = <F extends object>(compile: () => F): (() => F) => {
    let done: F | undefined;
    const get = () => {
      if (!done) {
        done = compile();
        pending.delete(get);
      }
      return done;
    };
    pending.add(get);
    return get;
  };
  const validators = ajvCompiler();
  const serializers = SerializerSelector();
  return {
    buildValidator(externalSchemas: unknown, options: unknown) {
      const compileOf = validators(externalSchemas as never, options as never);
      return (route: unknown) => {
        const compiled = later(() => compileOf(route as never) as unknown as Validate);
        const validate: Validate = (data, opts) => {
          const fn = compiled();
          const result = opts === undefined ? fn(data) : fn(data, opts);
          validate.errors = fn.errors;
          return result;
        };
        // Fastify asks whether the compiled function is Ajv's (to let it replace a root value): compile to answer.
        Object.defineProperty(validate, 'schemaEnv', { get: () => compiled().schemaEnv });
        return validate as never;
      };
    },
    buildSerializer(externalSchemas: unknown, options: unknown) {
      const compileOf = serializers(externalSchemas, options as never);
      return (route: unknown) => {
        const compiled = later(() => compileOf(route as never));
        return (data: unknown) => compiled()(data);
      };
    },
    async compileAll() {
      let count = 0;
      for (const compile of [...pending]) {
        compile();
        count += 1;
        // A few at a time, so that requests arriving meanwhile wait for one compile at most.
        if (count % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      return count;
    },
  };
}
