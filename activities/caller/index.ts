import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/platform/config.ts';
import { createTwilioClient } from '../twilio/twilio-client.ts';
import { createCallActivities } from './call.activities.ts';

export function createCallerActivities(deps: { orm: MikroORM; config: Config }) {
  return createCallActivities({
    orm: deps.orm,
    twilio: createTwilioClient(deps.config.twilio),
    publicUrl: deps.config.caller.publicUrl,
    streamUrl: deps.config.caller.streamUrl,
    statusEvents: deps.config.caller.statusEvents,
  });
}

export type CallerActivities = ReturnType<typeof createCallerActivities>;
export type { CallStepInput } from './call.activities.ts';
