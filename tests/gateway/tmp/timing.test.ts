import { it } from 'vitest';
import { startGateway } from '../../support/gateway';
it('t', async () => {
  let t = Date.now();
  const g = await startGateway();
  console.log('start', Date.now() - t); t = Date.now();
  await fetch(g.url + '/v1/models', { headers: { authorization: 'Bearer ' + g.invokeKey } });
  await g.close();
  console.log('close', Date.now() - t);
});
