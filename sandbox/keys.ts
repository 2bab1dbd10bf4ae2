// The sandbox plays Upgates' signing side: an RSA-2048 key pair whose public half is served as PEM, and
// signature_v2 = base64(RSA-SHA256(values.join(';'))) — PKCS#1 v1.5, what PHP openssl_sign(OPENSSL_ALGO_SHA256) makes.
import { type KeyObject, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';

export interface SigningKeys {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function generateKeys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function keysFromPem(privateKeyPem: string, publicKeyPem: string): SigningKeys {
  return { privateKey: createPrivateKey(privateKeyPem), publicKeyPem };
}

export function signValues(values: string[], key: KeyObject): string {
  return sign('sha256', Buffer.from(values.join(';'), 'utf8'), key).toString('base64');
}
