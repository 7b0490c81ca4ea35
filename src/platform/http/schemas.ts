import { Type } from '@fastify/type-provider-typebox';

/** The body of every error: `{ error: { code, message, ...details } }`. */
export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
});
