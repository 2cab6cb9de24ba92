#!/usr/bin/env node
// Runs the TypeScript CLI straight from a clone: tsx compiles it on load, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../server/cli/main.ts', import.meta.url).href);
