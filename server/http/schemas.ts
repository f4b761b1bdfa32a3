import { type Static, type TSchema, Type } from 'typebox';

/**
 * `T | null` as `type: [T, "null"]` rather than `anyOf`: fast-json-stringify serialises a type list directly,
 * whereas an anyOf makes it validate every value against each branch at run time (measured: the thread page
 * spent most of its time there).
 */
export const Nullable = <T extends TSchema>(schema: T) => {
  const { type } = schema as unknown as { type: string };
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
};

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'A numeric id' });
export const IdParams = Type.Object({ id: Id });
export const DateTime = Type.String({ format: 'date-time' });
export const Cursor = Type.String({ maxLength: 600, description: 'Opaque keyset cursor from a previous page' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. thread.locked' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error', description: 'Every error has this shape' },
);

/** The error responses most routes can give, for the OpenAPI document. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')])) as Record<number, ReturnType<typeof Type.Ref>>;

export const AuthorSummary = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  trustLevel: Type.Integer(),
  reputation: Type.Integer(),
});

export const CategorySummary = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  color: Type.String(),
});

export const Ok = Type.Object({ ok: Type.Boolean() });
