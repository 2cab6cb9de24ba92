import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../server/router';
import { startGroveProcess, type GroveProcess } from '../e2e/grove-process';
import { REGISTRY_FIXTURE } from './registry-fixture';

export const ADMIN_KEY = 'grove-console-test-admin-key';

export interface TestGrove {
  trpcUrl: string;
  /** a tRPC client with the admin key, for arranging and checking state behind the console's back */
  admin: ReturnType<typeof createTRPCClient<AppRouter>>;
  process: GroveProcess;
  close(): Promise<void>;
}

/**
 * The real Grove server as a child process on loopback (jsdom cannot host the server's own
 * modules), holding the small fixture registry instead of the demo seed.
 */
export async function startGrove(): Promise<TestGrove> {
  const process = await startGroveProcess({ adminKey: ADMIN_KEY, env: { GROVE_SEED: 'false' } });
  const trpcUrl = `${process.url}/trpc`;
  const admin = createTRPCClient<AppRouter>({ links: [httpLink({ url: trpcUrl, headers: { authorization: `Bearer ${ADMIN_KEY}` } })] });
  try {
    await admin.objects.applyAll.mutate({ objects: REGISTRY_FIXTURE });
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { trpcUrl, admin, process, close: () => process.stop() };
}
