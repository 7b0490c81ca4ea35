import { Type } from '@fastify/type-provider-typebox';

/** The body of every error: `{ error: { code, message, ...details } }`. */
export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
});

/** A CSV download's 200 (its errors are JSON, as everywhere else); X-Total-Rows where the route sends it. */
export const CsvFile = (description: string, totalRows = true) => ({
  description,
  ...(totalRows ? { headers: { 'x-total-rows': Type.Integer({ description: 'Data rows in the file, without the header' }) } } : {}),
  content: { 'text/csv': { schema: Type.String() } },
});
