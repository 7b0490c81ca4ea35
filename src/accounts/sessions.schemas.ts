import { Type } from '@fastify/type-provider-typebox';

const DateTime = Type.String({ format: 'date-time' });

/** One's own sessions, as staff and fans list them to end the ones they do not recognise. */
export const SessionList = Type.Object({
  sessions: Type.Array(
    Type.Object({
      id: Type.String(),
      current: Type.Boolean({ description: 'The session this request came with' }),
      state: Type.Optional(Type.Union([Type.Literal('password'), Type.Literal('enrol'), Type.Literal('signed_in')])),
      createdAt: DateTime,
      lastSeenAt: DateTime,
      ip: Type.Union([Type.String(), Type.Null()]),
      userAgent: Type.Union([Type.String(), Type.Null()]),
      expiresAt: DateTime,
    }),
  ),
});

/** A new authenticator app's secret and its otpauth:// URI (for a QR code); nothing is stored until a code confirms it. */
export const TotpSetup = Type.Object({ secret: Type.String(), uri: Type.String() });
