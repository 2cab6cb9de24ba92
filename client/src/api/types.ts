import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../server/router';

/** What the console reads, as the server's output schemas (shared/) declare it: no hand-written twins. */
type Outputs = inferRouterOutputs<AppRouter>;

export type Whoami = Outputs['auth']['whoami'];
export type SystemInfo = Outputs['system']['info'];
export type ModelItem = Outputs['models']['get'];
export type ModelRevision = Outputs['models']['history']['items'][number];
export type CapabilityItem = Outputs['capabilities']['list']['items'][number];
export type SeriesOutput = Outputs['metrics']['series'];
export type SeriesPoint = SeriesOutput['overall'][number];
export type SummaryOutput = Outputs['metrics']['summary'];
export type LiveOutput = Outputs['metrics']['live'];
export type LoggedRequest = Outputs['decisions']['list']['items'][number];
export type LoggedRequestWithDecision = Outputs['decisions']['get'];
export type ExplainResult = Outputs['route']['explain'];
export type PolicyItem = Outputs['policies']['get'];
export type PolicyRevision = Outputs['policies']['history']['items'][number];
