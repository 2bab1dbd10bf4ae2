// The activation's apiUrl is where the shop's credentials will be sent: in production it must be https on
// an Upgates API host (UPGATES_API_HOSTS). In development and tests the URL the activation names is the
// shop's original origin and passes (the sandbox on 127.0.0.1). A refusal answers Upgates' error shape, so
// the owner sees why; nothing is stored and no workflow starts.
import type { Response } from 'express';
import { apiHostPolicyFor, checkApiUrl, upgatesApiMovesRefused } from '../../upgates/api-host-policy.js';
import type { AppDeps } from '../deps.js';

/** Answers `{"error": true, message}` and returns true when the activation's apiUrl is refused. */
export function refuseInstallApiUrl(deps: Pick<AppDeps, 'config' | 'logger'>, shopToken: string, apiUrl: string, res: Response): boolean {
  const policy = apiHostPolicyFor(deps.config.env, deps.config.upgates.apiHosts);
  const verdict = checkApiUrl(policy, apiUrl, apiUrl);
  if (verdict.allowed) return false;
  upgatesApiMovesRefused.inc({ source: 'install', reason: verdict.reason });
  deps.logger.warn({ shopToken, reason: verdict.message }, 'activation refused: apiUrl outside the API host policy');
  res.json({ error: true, message: `The add-on cannot use this shop's API address: ${verdict.message}.` });
  return true;
}
