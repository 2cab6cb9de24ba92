// The embedded database's thread when Grove runs from its sources (tests, `npm run dev`): tsx
// compiles ./embedded-worker.ts on load. The bundle has the compiled worker under this same name
// beside dist/server/main.mjs (package.json `build:server`), so ./embedded.ts finds either one.
import { register } from 'tsx/esm/api';

register();
await import('./embedded-worker.ts');
