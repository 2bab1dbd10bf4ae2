// The only module that reads process.env. Everything else receives a typed Config.
// Every variable has a development default; in production a missing secret stops start-up with its name.
import { z } from 'zod';

const PROFILES = ['expedition', 'fulfillment', 'emailing'] as const;
export type AddonProfileName = (typeof PROFILES)[number];

const DEV_APP_SECRET = 'dev-only-app-secret-do-not-use-in-production-0123456789';
const DEV_SIGNATURE_TOKEN = 'dev-signature-token';
const DEV_VENDOR_API_TOKEN = 'dev-vendor-api-token';
const DEV_VENDOR_EVENTS_SECRET = 'dev-vendor-events-secret';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface the HTTP server binds; default 127.0.0.1 outside production (development secrets are public). */
  LISTEN_HOST: z.string().min(1).optional(),
  PUBLIC_URL: z.string().url().optional(),
  APP_ROLE: z.enum(['api', 'worker', 'both']).default('both'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('upgates-addon'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/upgates_addon'),

  UPGATES_SIGNATURE_TOKEN: z.string().min(1).optional(),
  UPGATES_PUBLIC_KEY_URL: z.string().url().default('https://files.upgates.com/addons/signature/api.signature.pub.key'),
  UPGATES_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  UPGATES_ADMIN_ORIGINS: z.string().default('https://*.upgates.com https://*.upgates.cz https://*.upgates.sk'),
  /** Hosts that may receive a shop's API credentials (activation apiUrl, 301 api_url); `*.x` = any subdomain of x. */
  UPGATES_API_HOSTS: z.string().default('*.upgates.com'),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Bearer token of the vendor REST API (`/api/vendor/...`): the vendor's own system writes back through it. */
  VENDOR_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ADDON_PROFILE: z.enum(PROFILES).default('expedition'),

  SYNC_QUIET_SECONDS: seconds(5),
  SYNC_MAX_WAIT_SECONDS: seconds(60),
  SYNC_NOW_COOLDOWN_SECONDS: seconds(900),
  RECONCILE_PERIOD_SECONDS: seconds(86_400),
  INITIAL_SYNC_LOOKBACK_DAYS: seconds(90),
  UNINSTALL_RETENTION_DAYS: seconds(30),
  /** Overrides UNINSTALL_RETENTION_DAYS with a period in seconds (tests, operators who purge sooner). */
  UNINSTALL_RETENTION_SECONDS: z.coerce.number().int().positive().optional(),
  SESSION_TTL_SECONDS: seconds(600),
  INSTALL_ANSWER_TIMEOUT_MS: z.coerce.number().int().positive().default(3500),
  /** How far a callback's `time` may lie on either side of our clock (Upgates does not say if it is a signing time or an expiry). */
  SIGNATURE_MAX_SKEW_SECONDS: seconds(86_400),
  /** Upgates version identifier -> manifest version, e.g. "0:1,1:1,2:2"; unmapped at install: the first manifest. */
  UPGATES_VERSIONS: z
    .string()
    .regex(/^\s*([^:,\s]+:\d+\s*(,\s*|$))*$/, 'must look like "0:1,1:1,2:2" (Upgates id:manifest version, comma separated)')
    .default(''),
  /** How often the worker looks for uninstalls whose workflow never started (Temporal was down). */
  UNINSTALL_SWEEP_SECONDS: seconds(60),
  /** How long a vendor API request waits for its write; past it the answer is 202 with an id to poll. */
  VENDOR_API_WAIT_SECONDS: seconds(25),
  /** Reverse proxies in front of the app whose X-Forwarded-For is believed (Express `trust proxy`); 0 = none. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Upper bound of webhook signals in flight to Temporal from one API process, all shops together; the limit adapts below it (src/http/webhooks/signal-coalescer.ts). */
  WEBHOOK_SIGNALS_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(32),
  /** Bearer token `/metrics` requires when set; empty or unset = open (keep it on a private network then). */
  METRICS_TOKEN: z.string().optional(),
  /** Record store write path for changed records: `auto` asks the server; tests force each path (README: MongoDB vs FerretDB guarantees). */
  RECORD_STORE_WRITE_PATH: z.enum(['auto', 'mongodb', 'ferretdb']).default('auto'),
  /**
   * Shop workflows a worker keeps in memory between their tasks (Temporal's workflow cache); an evicted one is
   * replayed from its history on its next signal or timer. About 1.6 MB each (docs/scaling.md M4): size it to
   * the shops per worker and the heap to it (Temporal's own default follows the heap limit, ~10 under a small one).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(200),
  /** OpenTelemetry collector base URL (OTLP/HTTP, e.g. http://otel-collector:4318); unset = tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.union([z.literal(''), z.string().url()]).optional(),
  /** The vendor's endpoint that receives each shop's committed changes as signed events (README: For the vendor's system); unset = off. */
  VENDOR_EVENTS_URL: z.union([z.literal(''), z.string().url()]).optional(),
  /** HMAC-SHA256 key of the event signature; required with VENDOR_EVENTS_URL in production. */
  VENDOR_EVENTS_SECRET: z.union([z.literal(''), z.string().min(16, 'must be at least 16 characters')]).optional(),
  /** How long one delivery waits for the vendor's 2xx before it counts as failed (and is sent again). */
  VENDOR_EVENTS_TIMEOUT_SECONDS: seconds(10),
  /** Events per delivery (one page of the change feed). */
  VENDOR_EVENTS_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  /** Longest wait between two attempts while the endpoint fails (exponential backoff from 1 s up to this). */
  VENDOR_EVENTS_RETRY_MAX_SECONDS: seconds(60),
  /** A caught-up delivery looks again after this long even without a nudge (a lost nudge never loses events). */
  VENDOR_EVENTS_IDLE_CHECK_SECONDS: seconds(600),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  listenHost: string;
  publicUrl: string;
  role: 'api' | 'worker' | 'both';
  logLevel: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  mongodbUri: string;
  upgates: { signatureToken: string; publicKeyUrl: string; publicKeyFile: string | undefined; adminOrigins: string[]; apiHosts: string[] };
  appSecret: string;
  vendorApiToken: string;
  profile: AddonProfileName;
  sync: {
    quietSeconds: number;
    maxWaitSeconds: number;
    syncNowCooldownSeconds: number;
    initialLookbackDays: number;
    reconcilePeriodSeconds: number;
  };
  uninstallRetentionDays: number;
  /** How long synced data is kept after an uninstall before the purge (UNINSTALL_RETENTION_SECONDS or the days). */
  uninstallRetentionSeconds: number;
  sessionTtlSeconds: number;
  installAnswerTimeoutMs: number;
  /** Accepted distance of a lifecycle callback's `time` from arrival, each way. */
  signatureMaxSkewSeconds: number;
  /** Upgates' add-on version identifiers mapped to manifest versions (UPGATES_VERSIONS). */
  upgatesVersions: Record<string, number>;
  uninstallSweepMs: number;
  vendorApiWaitMs: number;
  recordStoreWritePath: 'auto' | 'mongodb' | 'ferretdb';
  trustProxyHops: number;
  webhookSignalsInFlight: number;
  workerMaxCachedWorkflows: number;
  metricsToken: string | undefined;
  /** OpenTelemetry tracing (src/tracing): on when an OTLP endpoint is set. */
  tracing: { otlpEndpoint: string | undefined };
  /** Signed event deliveries to the vendor's system (workflows/vendor-events.ts); null when VENDOR_EVENTS_URL is unset. */
  vendorEvents: VendorEventsConfig | null;
}

export interface VendorEventsConfig {
  url: string;
  secret: string;
  timeoutMs: number;
  batchSize: number;
  retryMaxMs: number;
  idleCheckMs: number;
}

export class ConfigError extends Error {}

/** `defaultEnv: 'production'` is `npm start`: with NODE_ENV unset it is production, so the secrets are required. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { defaultEnv?: 'production' } = {}): Config {
  const parsed = envSchema.safeParse(options.defaultEnv && !env.NODE_ENV ? { ...env, NODE_ENV: options.defaultEnv } : env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid environment:\n${problems}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const missing = (['APP_SECRET', 'UPGATES_SIGNATURE_TOKEN', 'PUBLIC_URL', 'VENDOR_API_TOKEN'] as const).filter((name) => !e[name]);
    if (missing.length) throw new ConfigError(`Missing required environment variable(s) in production: ${missing.join(', ')}`);
    // The key that verifies every callback must not come over a channel an attacker on the path can rewrite.
    if (!e.UPGATES_PUBLIC_KEY_URL.startsWith('https://'))
      throw new ConfigError('Invalid environment:\n  UPGATES_PUBLIC_KEY_URL: must be an https:// URL in production');
    // Unsigned events would let anyone who finds the endpoint feed the vendor's system invented changes.
    if (e.VENDOR_EVENTS_URL && !e.VENDOR_EVENTS_SECRET)
      throw new ConfigError('Missing required environment variable(s) in production: VENDOR_EVENTS_SECRET (VENDOR_EVENTS_URL is set)');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    listenHost: e.LISTEN_HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, ''),
    role: e.APP_ROLE,
    logLevel: e.LOG_LEVEL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    mongodbUri: e.MONGODB_URI,
    upgates: {
      signatureToken: e.UPGATES_SIGNATURE_TOKEN ?? DEV_SIGNATURE_TOKEN,
      publicKeyUrl: e.UPGATES_PUBLIC_KEY_URL,
      publicKeyFile: e.UPGATES_PUBLIC_KEY_FILE,
      adminOrigins: e.UPGATES_ADMIN_ORIGINS.split(/\s+/).filter(Boolean),
      apiHosts: e.UPGATES_API_HOSTS.split(/[\s,]+/).filter(Boolean),
    },
    appSecret: e.APP_SECRET ?? DEV_APP_SECRET,
    vendorApiToken: e.VENDOR_API_TOKEN ?? DEV_VENDOR_API_TOKEN,
    profile: e.ADDON_PROFILE,
    sync: {
      quietSeconds: e.SYNC_QUIET_SECONDS,
      maxWaitSeconds: e.SYNC_MAX_WAIT_SECONDS,
      syncNowCooldownSeconds: e.SYNC_NOW_COOLDOWN_SECONDS,
      initialLookbackDays: e.INITIAL_SYNC_LOOKBACK_DAYS,
      reconcilePeriodSeconds: e.RECONCILE_PERIOD_SECONDS,
    },
    uninstallRetentionDays: e.UNINSTALL_RETENTION_DAYS,
    uninstallRetentionSeconds: e.UNINSTALL_RETENTION_SECONDS ?? e.UNINSTALL_RETENTION_DAYS * 86_400,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    installAnswerTimeoutMs: e.INSTALL_ANSWER_TIMEOUT_MS,
    signatureMaxSkewSeconds: e.SIGNATURE_MAX_SKEW_SECONDS,
    upgatesVersions: Object.fromEntries(
      e.UPGATES_VERSIONS.split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => [pair.split(':')[0]!.trim(), Number(pair.split(':')[1])]),
    ),
    uninstallSweepMs: e.UNINSTALL_SWEEP_SECONDS * 1000,
    vendorApiWaitMs: e.VENDOR_API_WAIT_SECONDS * 1000,
    recordStoreWritePath: e.RECORD_STORE_WRITE_PATH,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    webhookSignalsInFlight: e.WEBHOOK_SIGNALS_IN_FLIGHT,
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    metricsToken: e.METRICS_TOKEN || undefined,
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT || undefined },
    vendorEvents: e.VENDOR_EVENTS_URL
      ? {
          url: e.VENDOR_EVENTS_URL,
          secret: e.VENDOR_EVENTS_SECRET || DEV_VENDOR_EVENTS_SECRET,
          timeoutMs: e.VENDOR_EVENTS_TIMEOUT_SECONDS * 1000,
          batchSize: e.VENDOR_EVENTS_BATCH,
          retryMaxMs: e.VENDOR_EVENTS_RETRY_MAX_SECONDS * 1000,
          idleCheckMs: e.VENDOR_EVENTS_IDLE_CHECK_SECONDS * 1000,
        }
      : null,
  };
}

/** Names of every variable the app reads; docker-compose.yml is checked against this list in a test. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

/** Settings of the local tooling (dev server, tests): where binaries live and whether a real MongoDB is given. */
export function loadLocalToolsConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    temporalCliPath: env.TEMPORAL_CLI_PATH,
    ferretDbPath: env.FERRETDB_PATH,
    toolsDir: env.UPGATES_TOOLS_DIR,
    cacheHome: env.XDG_CACHE_HOME,
    externalMongoUri: env.MONGODB_URI,
    externalTemporalAddress: env.TEMPORAL_ADDRESS,
    ci: env.CI === 'true' || env.CI === '1',
  };
}

/** A copy of the environment for child processes we spawn (servers, go builds). */
export function childProcessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** `npm run doctor` loads the app's configuration itself and reads the shop under test (UPGATES_API_URL, ...). */
export function environmentForDoctor(): NodeJS.ProcessEnv {
  return { ...process.env };
}
