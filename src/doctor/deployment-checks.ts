// Checks of our own side that a live shop depends on: the key that verifies Upgates' callback signatures,
// the public URL Upgates calls back (https, answering /healthz), and whether the runtime's API host policy
// would accept the shop's API URL at activation.
import { request, type Dispatcher } from 'undici';
import { apiHostPolicyFor, checkApiUrl } from '../upgates/api-host-policy.js';
import { createPublicKeySource } from '../upgates/public-key.js';

export interface CheckResult {
  ok: boolean;
  /** What was checked, e.g. the URL or the file. */
  target: string;
  detail: string;
  latencyMs?: number;
}

const HEALTHZ_TIMEOUT_MS = 5_000;

/** Loads and parses the key the way the app does (file wins over URL); production needs an https URL. */
export async function checkSignaturePublicKey(key: { url: string; file: string | undefined }): Promise<CheckResult> {
  const target = key.file ? `file ${key.file}` : key.url;
  if (!key.file && !key.url.startsWith('https://')) {
    return { ok: false, target, detail: 'the public key URL is not https (production refuses to start with it)' };
  }
  const started = performance.now();
  try {
    // Short cache and refresh windows do not matter here: one load, then the source is dropped.
    await createPublicKeySource({ url: key.url, file: key.file, timeoutMs: HEALTHZ_TIMEOUT_MS }).get();
    return { ok: true, target, detail: 'loaded and parsed as a public key', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, target, detail: (error as Error).message };
  }
}

/** PUBLIC_URL must be https (Upgates calls it from the internet with the shop's data) and answer GET /healthz. */
export async function checkPublicUrl(publicUrl: string | undefined, dispatcher?: Dispatcher): Promise<CheckResult> {
  if (!publicUrl) return { ok: false, target: '(unset)', detail: 'PUBLIC_URL is not set (--public-url)' };
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return { ok: false, target: publicUrl, detail: 'PUBLIC_URL is not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, target: publicUrl, detail: 'PUBLIC_URL is not https' };
  const healthz = `${publicUrl.replace(/\/+$/, '')}/healthz`;
  const started = performance.now();
  try {
    const response = await request(healthz, { method: 'GET', signal: AbortSignal.timeout(HEALTHZ_TIMEOUT_MS), dispatcher });
    await response.body.dump();
    const latencyMs = Math.round(performance.now() - started);
    if (response.statusCode !== 200) return { ok: false, target: healthz, detail: `answered ${response.statusCode}`, latencyMs };
    return { ok: true, target: healthz, detail: 'answered 200', latencyMs };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    return { ok: false, target: healthz, detail: `no answer (${code})` };
  }
}

/** Whether an activation with this api_url would be accepted by the runtime's policy (UPGATES_API_HOSTS). */
export function checkApiUrlPolicy(
  apiUrl: string,
  env: 'development' | 'test' | 'production',
  hosts: readonly string[],
): CheckResult & { productionRefusal?: string } {
  // As the install route checks it: the activation's own URL is the "original" (accepted outside production).
  const verdict = checkApiUrl(apiHostPolicyFor(env, hosts), apiUrl, apiUrl);
  if (!verdict.allowed) {
    return { ok: false, target: apiUrl, detail: `${verdict.message} (${env} policy; the app would refuse this shop's activation)` };
  }
  const production = env === 'production' ? verdict : checkApiUrl(apiHostPolicyFor('production', hosts), apiUrl, apiUrl);
  return {
    ok: true,
    target: apiUrl,
    detail: `an activation with this URL is accepted (${env} policy)`,
    ...(production.allowed ? {} : { productionRefusal: production.message }),
  };
}
