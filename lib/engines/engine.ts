import type { Construct } from 'constructs';
import type { StackSpec } from '../config/stack-spec';
import type { ResolvedDatabase, ResolvedGeneration } from '../model/resolved';
import type { Connection } from '../constructs/connection';

/** Props every engine construct takes: one resolved database and the stack around it. */
export interface EngineProps<D extends ResolvedDatabase = ResolvedDatabase> {
  readonly database: D;
  readonly stack: StackSpec;
}

/** An engine construct renders one database (all its live generations). */
export interface DatabaseEngine extends Construct {
  /**
   * Where a generation's connection details live, for consumer wiring: for `user` when the
   * engine publishes one Secret per user (PGO), else for the application user.
   */
  connection(generation: ResolvedGeneration, user?: string): Connection;
}

export type EngineConstructor = new (scope: Construct, id: string, props: EngineProps<any>) => DatabaseEngine;
