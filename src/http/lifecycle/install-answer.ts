// The answer to an activation: start install:<token>, then wait for its early result (owner read, account
// paired) until the answer deadline. Two calls instead of one update-with-start (issue 18.5): the start is
// answered by the Temporal server alone, quickly and for certain, so when the update runs out of time (busy
// workers) we still know whether Temporal holds the install. With update-with-start the start's fate was only
// known from a describe() probe after the deadline, which a loaded server answered too late: the fleet bench saw
// installs refused ("activate again") whose workflows were running.
import type { Client } from '@temporalio/client';
import { installWorkflow } from '../../../workflows/install.js';
import { installAnswerUpdate, type InstallAnswer } from '../../../workflows/messages.js';
import { installWorkflowId } from '../../temporal/workflow-ids.js';
import type { Logger } from '../../logger.js';
import { withTemporalDeadline } from './temporal-deadline.js';

export const TEMPORARILY_UNAVAILABLE: InstallAnswer = {
  error: true,
  message: 'The add-on service is temporarily unavailable. Please try activating the add-on again in a few minutes.',
};

export interface InstallAnswerDeps {
  temporal: Pick<Client, 'workflow' | 'connection'>;
  taskQueue: string;
  logger: Pick<Logger, 'warn' | 'error'>;
}

export async function answerInstall(deps: InstallAnswerDeps, shopToken: string, answerBy: number): Promise<InstallAnswer> {
  const client = deps.temporal as Client;
  if (Date.now() >= answerBy) {
    // The steps before (database) used the whole budget: the owner hears "try again", so nothing may start.
    deps.logger.error({ shopToken }, 'install: no time left to start the install before the answer deadline');
    return TEMPORARILY_UNAVAILABLE;
  }
  let handle;
  let startTimer: NodeJS.Timeout | undefined;
  // Our own timer too: the client retries an unreachable server with backoff sleeps that the gRPC deadline does
  // not cut short (a retry fired after the deadline fails at once, but only after its sleep).
  const startTimeout = new Promise<never>(
    (_, reject) =>
      (startTimer = setTimeout(
        () => reject(new Error('the start was not confirmed before the answer deadline')),
        Math.max(0, answerBy - Date.now()),
      )),
  );
  const start = withTemporalDeadline(client, answerBy, () =>
    client.workflow.start(installWorkflow, {
      workflowId: installWorkflowId(shopToken),
      taskQueue: deps.taskQueue,
      // answerBy: after it the callback has its answer, so the workflow no longer fails for a transient error
      // nobody could be told about (workflows/install.ts).
      args: [{ shopToken, answerBy }],
      // Concurrent or repeated callbacks attach to the running install instead of starting another.
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Install of shop ${shopToken}`,
    }),
  );
  start.catch(() => undefined); // settled after the answer when the timer won
  try {
    handle = await Promise.race([start, startTimeout]);
  } catch (error) {
    deps.logger.error(
      { shopToken, err: error },
      'could not start the install workflow (Temporal unreachable?); the owner is asked to activate again',
    );
    return TEMPORARILY_UNAVAILABLE;
  } finally {
    clearTimeout(startTimer);
  }
  // Temporal holds the install now: from here on {"error": false} is honest even without the early result.
  const update = withTemporalDeadline(client, answerBy, () => handle.executeUpdate(installAnswerUpdate));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, answerBy - Date.now()))));
  try {
    const answer = await Promise.race([update, timeout]);
    if (answer !== 'timeout') return answer;
  } catch (error) {
    deps.logger.warn({ shopToken, err: error }, 'install update did not complete in time');
  } finally {
    clearTimeout(timer);
    update.catch((error: unknown) => deps.logger.warn({ shopToken, err: error }, 'install update failed after the answer was sent'));
  }
  deps.logger.warn({ shopToken }, 'install answer not ready in time; answering error:false while the workflow continues');
  return { error: false, message: '' };
}
