import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { startTestServices, type TestServices } from '../support/services';

type App = Awaited<ReturnType<typeof buildApp>>;

describe('the console’s files', () => {
  let grove: TestServices;
  let app: App;
  let folder: string;
  beforeAll(async () => {
    // a console build as vite lays it out: index.html naming content-hashed files under assets/
    folder = mkdtempSync(join(tmpdir(), 'grove-console-'));
    mkdirSync(join(folder, 'assets'));
    writeFileSync(join(folder, 'index.html'), '<!doctype html><script type="module" src="/assets/index-BQuIkbup.js"></script>');
    writeFileSync(join(folder, 'assets', 'index-BQuIkbup.js'), 'console.log("grove")');
    writeFileSync(join(folder, 'assets', 'notes.txt'), 'not a build output');
    writeFileSync(join(folder, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    grove = await startTestServices({ env: { GROVE_STATIC_DIR: folder } });
    app = await buildApp(grove.services);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await grove?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lets a browser keep a content-hashed file for a year without asking again', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-BQuIkbup.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('has the browser ask each time for index.html, on any console URL, and for files without a hash', async () => {
    for (const [url, accept] of [
      ['/', 'text/html'],
      ['/models/sim-fast', 'text/html'],
      ['/favicon.svg', '*/*'],
      ['/assets/notes.txt', '*/*'],
    ]) {
      const response = await app.inject({ method: 'GET', url, headers: { accept } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
    const shell = await app.inject({ method: 'GET', url: '/decisions', headers: { accept: 'text/html' } });
    expect(shell.body).toContain('/assets/index-BQuIkbup.js');
  });

  it('answers a missing file with a 404, not the app shell', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-Missing1.js', headers: { accept: '*/*' } });
    expect(response.statusCode).toBe(404);
  });
});
