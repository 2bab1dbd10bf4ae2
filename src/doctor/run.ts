// `npm run doctor`: a readiness check against a live (test) shop before Marketplace submission, and for ops when
// a shop misbehaves. Reads only (one GET per declared read endpoint, at most 3 at a time), validates every
// answer with the client's schemas, checks our own side (public key, PUBLIC_URL), prints the declaration.
// Exit code 0: ready; 1: something blocks going live (each blocker named); 2: usage error.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { getProfile, UnknownProfileError } from '../profiles/index.js';
import { buildManifest, renderManifestMarkdown } from '../profiles/manifest.js';
import { createUpgatesClient } from '../upgates/client.js';
import { checkApiUrlPolicy, checkPublicUrl, checkSignaturePublicKey, type CheckResult } from './deployment-checks.js';
import { createExchangeRecorder } from './exchange-recorder.js';
import { DOCTOR_USAGE, parseDoctorOptions } from './options.js';
import { probesFor, runProbes } from './probes.js';
import { buildReport, renderReportText } from './report.js';

export interface DoctorRun {
  code: number;
  output: string;
}

/** Per-request deadline of the probes: a live shop answers well within it; a hung one is reported, not waited on. */
const PROBE_TIMEOUT_MS = 15_000;

export async function runDoctor(argv: string[], env: NodeJS.ProcessEnv): Promise<DoctorRun> {
  const parsed = parseDoctorOptions(argv, env);
  if (!parsed.ok) return { code: 2, output: `${parsed.message}\n${DOCTOR_USAGE}\n` };
  const o = parsed.options;
  const secrets = [o.apiKey, Buffer.from(`${o.apiUser}:${o.apiKey}`).toString('base64')];

  // The app's own configuration; if it would not start (e.g. production without its secrets), say so and
  // read the rest with development defaults, so the other checks still run.
  let config: Config;
  let configuration: CheckResult;
  try {
    config = loadConfig(env);
    configuration = { ok: true, target: 'environment', detail: `loads as the app loads it (NODE_ENV ${config.env})` };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    config = loadConfig({ ...env, NODE_ENV: 'development' });
    configuration = { ok: false, target: 'environment', detail: `the app would not start: ${error.message.replace(/\n\s*/g, ' ')}` };
  }

  let pv;
  try {
    pv = getProfile(o.profile ?? config.profile, o.version);
  } catch (error) {
    if (error instanceof UnknownProfileError) return { code: 2, output: `${error.message}\n${DOCTOR_USAGE}\n` };
    throw error;
  }

  const apiUrlPolicy = checkApiUrlPolicy(o.apiUrl, config.env, config.upgates.apiHosts);
  const recorder = createExchangeRecorder();
  let probes;
  try {
    const client = createUpgatesClient({
      shopToken: `doctor:${new URL(o.apiUrl).host}`,
      credentials: { apiUrl: o.apiUrl, apiUser: o.apiUser, apiKey: o.apiKey },
      dispatcher: recorder.dispatcher,
      timeoutMs: PROBE_TIMEOUT_MS,
      userAgent: 'upgates-addon-backend doctor',
      // 429 as the app handles it: short Retry-After waits honoured in place (the running app may share the
      // shop's 3 concurrent requests), a long one reported as a blocker.
    });
    // A refused API URL never receives the credentials.
    probes = apiUrlPolicy.ok ? await runProbes(client, probesFor(pv), recorder.exchanges) : [];
  } finally {
    await recorder.close();
  }

  const [signaturePublicKey, publicUrl] = await Promise.all([
    checkSignaturePublicKey({ url: config.upgates.publicKeyUrl, file: config.upgates.publicKeyFile }),
    checkPublicUrl(o.publicUrl ?? (env.PUBLIC_URL ? config.publicUrl : undefined)),
  ]);

  const report = buildReport({
    profile: pv.profile,
    version: pv.version,
    environment: config.env,
    apiUrl: o.apiUrl,
    configuration,
    apiUrlPolicy,
    probes,
    webhookEvents: pv.webhookEvents,
    signaturePublicKey,
    publicUrl,
    declaration: buildManifest(pv),
  });
  const output = o.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report, renderManifestMarkdown(pv));
  return { code: report.ready ? 0 : 1, output: redact(output, secrets) };
}

/** Last line of defence: nothing above prints the key, but an error text from below might one day. */
function redact(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
