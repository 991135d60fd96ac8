/**
 * orgs-mock/msw in Node: as src/msw.ts, with the Node createApp, so that `config.fixtures` may name a
 * fixture file as in createApp.
 */

import { type HandlerOptions, handlersFor, type MockHandlers } from '../msw.ts';
import { createApp } from './app.ts';

export { type HandlerOptions, handlersFor, type MockHandlers } from '../msw.ts';

export async function createHandlers(options: HandlerOptions = {}): Promise<MockHandlers> {
  const { baseUrl, ...appOptions } = options;
  return handlersFor(await createApp(appOptions), baseUrl);
}
