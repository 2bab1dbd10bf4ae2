// POST /app/settings — saves the active profile's settings into Shop.settings. The submission is validated
// as a whole against the profile's declarations (carrier pairing only for synced shipping methods and known
// carriers); anything invalid answers 400 and changes nothing.
import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';
import { t } from './i18n.js';
import { profileOf } from './page-data.js';
import { answer, authenticatePost, fail } from './respond.js';
import { settingsInput, settingsSchema } from './settings-form.js';

export const postSettings =
  (deps: AppDeps): RequestHandler =>
  async (req, res) => {
    const auth = authenticatePost(deps, req, res);
    if (!auth) return;
    const { shop: shopToken, lang } = auth.session;
    const tr = t(lang);
    const { shops, liveRecords } = deps.stores;
    const shop = await shops.findByToken<{ status: string; profile: string; version: number }>(shopToken, {
      status: 1,
      profile: 1,
      version: 1,
    });
    if (!shop || shop.status === 'uninstalled') return fail(req, res, 404, lang, 'error.notInstalled');
    const declarations = profileOf(shop)?.settings ?? [];

    const knownIds: Record<string, Set<string>> = {};
    for (const d of declarations) {
      if (d.type !== 'mapping' || knownIds[d.from]) continue;
      // Live records (one per id, newest version), like every reader of the mirror.
      const records = await liveRecords.read(shopToken, d.from, { withData: false });
      knownIds[d.from] = new Set(records.map((record) => record.recordId));
    }
    const parsed = settingsSchema(declarations, knownIds).safeParse(settingsInput(declarations, req.body));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
      return answer(deps, req, res, auth, 400, { ok: false, tone: 'err', message: tr('invalid'), issues }, 'settings');
    }

    await shops.saveSettings(shopToken, parsed.data);
    deps.logger.info({ shopToken, keys: Object.keys(parsed.data) }, 'iframe: settings saved');
    return answer(deps, req, res, auth, 200, { ok: true, tone: 'ok', message: tr('saved'), settings: parsed.data }, 'settings');
  };
