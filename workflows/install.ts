// install:<token> — runs once per activation. The install callback waits (update-with-start) for the
// answer, which is ready as soon as the owner was read and the account created or paired; the rest
// (webhooks first, then hand-over to the shop workflow which runs the initial sync) goes on durably.
import { ActivityFailure, ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { InstallActivities } from './activity-types.js';
import { installAnswerUpdate, installStatusQuery, type InstallAnswer, type InstallStatus } from './messages.js';

export interface InstallInput {
  shopToken: string;
  /** When the install callback stops waiting for the answer (epoch ms); absent from older starts. */
  answerBy?: number;
}

const api = proxyActivities<InstallActivities>({
  // A handful of API calls each; a short timeout means a crashed worker's attempt is retried within seconds.
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// The owner fetch decides the callback's answer, which Upgates waits for at most 5 s: a few quick retries,
// then we answer with an error the shop owner can act on instead of timing out.
const ownerApi = proxyActivities<InstallActivities>({
  startToCloseTimeout: '3 seconds',
  retry: { initialInterval: '300 milliseconds', maximumAttempts: 3 },
});

export async function installWorkflow(input: InstallInput): Promise<InstallStatus> {
  const { shopToken } = input;
  const status: InstallStatus = { step: 'owner', answer: null };
  setHandler(installAnswerUpdate, async (): Promise<InstallAnswer> => {
    await condition(() => status.answer !== null);
    return status.answer!;
  });
  setHandler(installStatusQuery, () => status);

  try {
    await fetchOwner(input);
  } catch (error) {
    const message = ownerMessage(error);
    status.answer = { error: true, message };
    status.step = 'failed';
    await api.markInstallFailed({ shopToken, message });
    return status;
  }
  status.answer = { error: false, message: '' };

  const plan = await api.planInstall({ shopToken });
  status.step = 'webhooks';
  // Webhooks before the initial sync: changes made while we copy are then delivered, held by the shop
  // workflow and applied after the snapshot, so nothing between snapshot and stream is lost.
  await api.registerWebhooks({ shopToken, events: plan.webhookEvents });
  status.step = 'conversion-codes';
  await api.syncConversionCodes({ shopToken, fromVersion: null, toVersion: plan.version });
  await api.markShopActive({ shopToken });
  status.step = 'hand-over';
  await api.handOverToShopWorkflow({ shopToken, installed: plan.installed });
  status.step = 'done';
  return status;
}

/**
 * The owner fetch: a few quick attempts while the callback waits for the answer. When they fail transiently after
 * the callback stopped waiting (the route answered {"error": false} because Temporal holds the install), nobody
 * can be told to try again: the fetch is retried like any other step until it succeeds or fails for good.
 * Patched: older histories failed the install after the quick attempts whatever the time.
 */
async function fetchOwner({ shopToken, answerBy }: InstallInput): Promise<void> {
  try {
    await ownerApi.fetchOwnerAndPairAccount({ shopToken });
  } catch (error) {
    if (finalFailure(error) || answerBy === undefined || Date.now() < answerBy || !patched('install-owner-retried-after-answer'))
      throw error;
    await api.fetchOwnerAndPairAccount({ shopToken });
  }
}

/** A failure retrying cannot fix (wrong credentials, owner data missing): its message is for the shop owner. */
function finalFailure(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

function ownerMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  // Only a final failure's message is meant for the owner; a transient one's (a timeout, an internal error) is not.
  if (finalFailure(error) && cause instanceof ApplicationFailure && cause.message) return cause.message;
  return 'The add-on could not read the shop owner details from Upgates right now. Please try activating the add-on again in a few minutes.';
}
