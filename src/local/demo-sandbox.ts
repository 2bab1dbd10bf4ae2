// The demo for `npm run dev -- --sandbox`: a sandbox shop that installs the add-on and then changes a few
// orders, products and customers every few seconds, so the whole flow shows up in the Temporal UI and MongoDB.
import { startSandbox } from '../../sandbox/index.js';

export interface DemoSandbox {
  url: string;
  installDemoShop(addonUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemoSandbox(options: {
  port: number;
  signatureToken: string;
  log: (message: string) => void;
}): Promise<DemoSandbox> {
  const sandbox = await startSandbox({ port: options.port, signatureToken: options.signatureToken, timeScale: 0.01 });
  const shop = sandbox.createShop({
    token: 'demo-shop',
    projectName: 'Demo shop s.r.o.',
    seed: 42,
    orders: 500,
    products: 120,
    customers: 200,
    grantedAccesses: 'all',
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    url: sandbox.url,
    async installDemoShop(addonUrl) {
      const result = await sandbox.lifecycle.install(shop.token, { addonUrl, language: 'cs' });
      options.log(`  demo shop "${shop.token}" install: HTTP ${result.status} ${JSON.stringify(result.body)} in ${result.durationMs} ms`);
      const open = await sandbox.lifecycle.open(shop.token, { addonUrl, language: 'cs' });
      const url = (open.body as { url?: string } | undefined)?.url;
      if (url) options.log(`  demo iframe  ${url}`);
      timer = setInterval(() => {
        shop.mutate({ orders: { update: 3, create: 1 }, products: { update: 1 }, customers: { update: 1 } });
      }, 5_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await sandbox.stop();
    },
  };
}
