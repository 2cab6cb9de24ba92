export { startFakeAnthropic, anthropicErrorBody } from './fake-anthropic';
export { startFakeGemini, geminiErrorBody } from './fake-gemini';
export { startFakeOpenAI, openAIErrorFixture } from './fake-openai';
export type { FakeBehavior, FakeUpstream, RecordedRequest, BehaviorSource, FakeOptions } from './fake-upstream';
export { fixtureJson, fixtureText, splitSseEvents } from './fixtures';
