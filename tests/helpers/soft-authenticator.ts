import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software passkey authenticator for tests, where there is no browser: it answers the server's
 * options as a platform authenticator would (ES256 key on P-256, attestation `none`, user present
 * and verified), so the server's real WebAuthn checks run end to end. `origin` and `rpId` are the
 * page and relying party the "browser" claims; a test changes them to play a phishing site.
 */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  cosePublicKey: Uint8Array;
  counter: number;
  userHandle: string;
}

export interface Claim {
  origin: string;
  rpId: string;
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];
  constructor(private readonly claim: Claim = { origin: 'http://localhost:3900', rpId: 'localhost' }) {}

  /** Creates a passkey for `options` (from POST .../passkeys/options); answers what startRegistration would. */
  register(options: PublicKeyCredentialCreationOptionsJSON, claim: Partial<Claim> = {}): RegistrationResponseJSON {
    const { origin, rpId } = { ...this.claim, ...claim };
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    // COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
    const cosePublicKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const credential: Credential = { id: randomBytes(32), privateKey, cosePublicKey, counter: 0, userHandle: options.user.id };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([FLAG_UP | FLAG_UV | FLAG_AT]),
      u32(credential.counter),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      credential.id,
      cosePublicKey,
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<number, number> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<number, number>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }));
    this.credentials.push(credential);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Signs `options`' challenge (from POST .../passkey/options) with a passkey (the newest by default); answers what startAuthentication would. */
  assert(options: PublicKeyCredentialRequestOptionsJSON, claim: Partial<Claim> = {}, credential = this.credentials.at(-1)): AuthenticationResponseJSON {
    if (!credential) throw new Error('no passkey on this authenticator: register one first');
    const { origin, rpId } = { ...this.claim, ...claim };
    credential.counter += 1;
    const authenticatorData = Buffer.concat([sha256(rpId), Buffer.from([FLAG_UP | FLAG_UV]), u32(credential.counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }));
    // ES256 signatures are DER-encoded, as node:crypto makes them by default.
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
