import { describe, expect, it } from '@jest/globals';
import { recordingLogger } from '@packflow/testing';
import { PinoNestLogger } from './nest-logger.js';

describe('PinoNestLogger', () => {
  it("keeps NestJS's start-up lines at debug and everything else at its level", () => {
    const { logger, lines } = recordingLogger();
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('a line of our own', 'UpstreamEventsController');
    nest.warn('deprecated option', 'NestFactory');
    nest.error(new Error('boom'), 'NestApplication');
    expect(lines.map((l) => [l.level, l.fields.context, l.message])).toEqual([
      ['debug', 'RouterExplorer', 'Mapped {/healthz, GET} route'],
      ['debug', 'InstanceLoader', 'AppModule dependencies initialized'],
      ['info', 'UpstreamEventsController', 'a line of our own'],
      ['warn', 'NestFactory', 'deprecated option'],
      ['error', 'NestApplication', 'boom'],
    ]);
  });
});
