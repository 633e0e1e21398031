// The entity schemas of the upstream base (the `upstream` Postgres schema), for the
// ecosystem registry: MikroORM gets every ecosystem's list.
import type { AnyEntitySchema } from '@packflow/core';
import { CoprBuildSchema, CoprBuildTargetSchema } from './copr-build.entity.js';
import { JobRunSchema, JobRunTargetSchema } from './job-run.entity.js';
import { KojiBuildSchema, KojiBuildTargetSchema } from './koji-build.entity.js';
import { SidetagGroupSchema, SidetagSchema } from './sidetag.entity.js';
import { SrpmBuildSchema } from './srpm-build.entity.js';
import {
  StepCoprBuildSchema,
  StepCoprBuildTargetSchema,
  StepJobRunSchema,
  StepJobRunTargetSchema,
  StepKojiBuildSchema,
  StepKojiBuildTargetSchema,
  StepSrpmBuildSchema,
  StepTestRunSchema,
  StepTestRunTargetSchema,
} from './step-links.entity.js';
import { TestRunSchema, TestRunTargetSchema } from './test-run.entity.js';

export const UPSTREAM_ENTITIES: readonly AnyEntitySchema[] = [
  SidetagGroupSchema,
  SidetagSchema,
  SrpmBuildSchema,
  CoprBuildSchema,
  CoprBuildTargetSchema,
  KojiBuildSchema,
  KojiBuildTargetSchema,
  TestRunSchema,
  TestRunTargetSchema,
  StepSrpmBuildSchema,
  StepCoprBuildSchema,
  StepCoprBuildTargetSchema,
  StepKojiBuildSchema,
  StepKojiBuildTargetSchema,
  StepTestRunSchema,
  StepTestRunTargetSchema,
  JobRunSchema,
  JobRunTargetSchema,
  StepJobRunSchema,
  StepJobRunTargetSchema,
];
