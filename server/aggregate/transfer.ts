// Transfer cases: the latest stage by ts wins, whatever order the events arrive in.
// RedisStore's Lua script implements the same rule (see server/store/ingest.lua).
import { TRANSFER_STAGES, type TransferStage } from '../contract/index.ts';
import type { TransferCase } from './model.ts';

export const STAGE_RANK: Readonly<Record<TransferStage, number>> = Object.fromEntries(
  TRANSFER_STAGES.map((s, i) => [s, i]),
) as Record<TransferStage, number>;

export interface TransferStep {
  org: string;
  dest: string;
  stage: TransferStage;
  ts: number;
}

/** Equal ts: the stage later in the pipeline wins, so the result never depends on order. */
export function isLater(step: TransferStep, prev: TransferCase): boolean {
  return step.ts > prev.ts || (step.ts === prev.ts && STAGE_RANK[step.stage] > STAGE_RANK[prev.stage]);
}

export function reduceTransfer(prev: TransferCase | undefined, step: TransferStep): TransferCase {
  if (!prev) return { org: step.org, dest: step.dest, stage: step.stage, ts: step.ts, openedTs: step.ts };
  const openedTs = Math.min(prev.openedTs, step.ts);
  if (!isLater(step, prev)) return prev.openedTs === openedTs ? prev : { ...prev, openedTs };
  return { org: step.org, dest: step.dest, stage: step.stage, ts: step.ts, openedTs };
}

export function isOpen(stage: TransferStage): boolean {
  return stage === 'applied' || stage === 'approved' || stage === 'received';
}
