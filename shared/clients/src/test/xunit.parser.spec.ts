import { describe, expect, it } from '@jest/globals';
import { parseXunit } from './xunit.parser.js';
import { testOutcome } from './test-service.js';

describe('parseXunit', () => {
  it('reads test cases per plan with result, time and the output log', () => {
    const xml = `<?xml version="1.0"?>
<testsuites overall-result="failed">
  <properties/>
  <testsuite name="/plans/basic" result="failed" tests="2">
    <testcase name="/tests/a &amp; b" result="passed" time="1.5">
      <logs><log href="https://a/log_dir" name="log_dir"/><log href="https://a/out.log" name="testout.log"/></logs>
    </testcase>
    <testcase name="/tests/c" result="failed"><logs><log href="https://c/data" name="data"/></logs></testcase>
  </testsuite>
  <testsuite name="/plans/other"><testcase name="/tests/d" result="error"/></testsuite>
</testsuites>`;
    expect(parseXunit(xml)).toEqual({
      overall: 'failed',
      tests: [
        {
          name: '/tests/a & b',
          plan: '/plans/basic',
          result: 'passed',
          durationSeconds: 1.5,
          logUrl: 'https://a/out.log',
          logs: [
            { name: 'log_dir', href: 'https://a/log_dir' },
            { name: 'testout.log', href: 'https://a/out.log' },
          ],
        },
        {
          name: '/tests/c',
          plan: '/plans/basic',
          result: 'failed',
          durationSeconds: null,
          logUrl: 'https://c/data',
          logs: [{ name: 'data', href: 'https://c/data' }],
        },
        { name: '/tests/d', plan: '/plans/other', result: 'error', durationSeconds: null, logUrl: null, logs: [] },
      ],
    });
  });

  it('reads JUnit-style results from child elements when there is no result attribute', () => {
    const xml = `<testsuite name="s"><testcase name="ok"/><testcase name="bad"><failure message="x"/></testcase><testcase name="err"><error/></testcase><testcase name="skip"><skipped/></testcase></testsuite>`;
    expect(parseXunit(xml).tests.map((t) => [t.name, t.result])).toEqual([
      ['ok', 'passed'],
      ['bad', 'failed'],
      ['err', 'error'],
      ['skip', 'skipped'],
    ]);
  });

  it('reads nothing from an empty document', () => {
    expect(parseXunit('<testsuites overall-result="error"><properties/></testsuites>')).toEqual({
      overall: 'error',
      tests: [],
    });
  });
});

describe('testOutcome', () => {
  it.each([
    ['new', null, 'waiting'],
    ['queued', null, 'waiting'],
    ['running', null, 'running'],
    ['complete', 'passed', 'success'],
    ['complete', 'skipped', 'success'],
    ['complete', 'failed', 'failure'],
    ['complete', 'error', 'error'],
    ['error', 'error', 'error'],
    ['canceled', null, 'cancelled'],
    ['cancel-requested', null, 'cancelled'],
  ])('%s/%s is %s', (state, overall, outcome) => {
    expect(testOutcome({ state, overall })).toBe(outcome);
  });
});
